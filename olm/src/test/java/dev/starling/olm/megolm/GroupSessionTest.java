package dev.starling.olm.megolm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.olm.megolm.MegolmException.Problem;
import dev.starling.protocol.crypto.Base64s;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Megolm sessions: jumps, wrap-around, state round trips, and every refusal with its problem and no leak. */
class GroupSessionTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SECRET = "TOP-SECRET-PLAINTEXT";

    @Test
    void decryptsOutOfOrderAndAcrossLargeJumpsQuickly() {
        OutboundGroupSession out = OutboundGroupSession.create(RANDOM);
        InboundGroupSession in = InboundGroupSession.fromSessionKey(out.sessionKey());
        String m0 = out.encrypt(bytes("zero"));
        String m1 = out.encrypt(bytes("one"));
        assertThat(text(in.decrypt(m1))).isEqualTo("one");
        assertThat(text(in.decrypt(m0))).isEqualTo("zero");
        // A jump of almost 2^31 indices costs at most 4 × 256 HMACs.
        long started = System.nanoTime();
        OutboundGroupSession far = at(out, 0x7FFF_FFF0);
        assertThat(text(in.decrypt(far.encrypt(bytes("far ahead"))))).isEqualTo("far ahead");
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(2_000);
        assertThat(text(in.decrypt(m0))).isEqualTo("zero");
        // Across the 32-bit wrap-around: index 2^32 - 2, then 0 and 1.
        OutboundGroupSession wrapping = at(out, 0xFFFF_FFFE);
        InboundGroupSession wrapIn = wrapping.toInbound();
        String last = wrapping.encrypt(bytes("last"));
        wrapping.encrypt(bytes("x"));
        assertThat(wrapping.messageIndex()).isZero();
        String first = wrapping.encrypt(bytes("first"));
        String second = wrapping.encrypt(bytes("second"));
        InboundGroupSession.Decrypted d = wrapIn.decrypt(second);
        assertThat(text(d)).isEqualTo("second");
        assertThat(d.index()).isEqualTo(1);
        assertThat(text(wrapIn.decrypt(first))).isEqualTo("first");
        assertThat(text(wrapIn.decrypt(last))).isEqualTo("last");
    }

    /** The same session as its sender would have it at {@code index}, restored from its advanced state. */
    private static OutboundGroupSession at(OutboundGroupSession session, int index) {
        byte[] state = session.toBytes();
        int counter = (state[2] & 0xFF) << 24 | (state[3] & 0xFF) << 16 | (state[4] & 0xFF) << 8 | (state[5] & 0xFF);
        MegolmRatchet ratchet = MegolmRatchet.of(Arrays.copyOfRange(state, 6, 6 + MegolmRatchet.BYTES), counter);
        ratchet.advanceTo(index);
        System.arraycopy(ratchet.data(), 0, state, 6, MegolmRatchet.BYTES);
        state[2] = (byte) (index >>> 24);
        state[3] = (byte) (index >>> 16);
        state[4] = (byte) (index >>> 8);
        state[5] = (byte) index;
        return OutboundGroupSession.fromBytes(state);
    }

    @Test
    void stateRoundTripsAndIsVersioned() {
        OutboundGroupSession out = OutboundGroupSession.create(RANDOM);
        out.encrypt(bytes("a"));
        OutboundGroupSession restored = OutboundGroupSession.fromBytes(out.toBytes());
        assertThat(restored.sessionKey()).isEqualTo(out.sessionKey());
        InboundGroupSession in = InboundGroupSession.fromSessionKey(out.sessionKey());
        String m = out.encrypt(bytes("b"));
        InboundGroupSession inRestored = InboundGroupSession.fromBytes(in.toBytes());
        assertThat(text(inRestored.decrypt(m))).isEqualTo("b");
        assertThat(InboundGroupSession.fromBytes(inRestored.toBytes()).exportAtFirstKnownIndex())
                .isEqualTo(in.exportAtFirstKnownIndex());
        byte[] state = in.toBytes();
        state[1] = 2;
        problem(Problem.BAD_STATE, () -> InboundGroupSession.fromBytes(state));
        problem(Problem.BAD_STATE, () -> OutboundGroupSession.fromBytes(in.toBytes()));
        problem(Problem.BAD_STATE, () -> InboundGroupSession.fromBytes(Arrays.copyOf(in.toBytes(), 10)));
        assertThat(out.toString()).doesNotContain(Base64s.encode(out.toBytes()).substring(10, 30));
    }

    @Test
    void tamperedMessagesAreRefusedBeforeDecryption() {
        OutboundGroupSession out = OutboundGroupSession.create(RANDOM);
        InboundGroupSession in = InboundGroupSession.fromSessionKey(out.sessionKey());
        byte[] raw = Base64s.decode(out.encrypt(bytes(SECRET)));
        int macAt = raw.length - 64 - 8;
        // A changed MAC, ciphertext or signature breaks the signature first (it covers all of them).
        for (int at : new int[] {macAt, macAt - 1, raw.length - 1, 6}) {
            byte[] bad = raw.clone();
            bad[at] ^= 1;
            problem(Problem.BAD_SIGNATURE, () -> in.decrypt(Base64s.encode(bad)));
        }
        // A re-signed message with a bad MAC, as a session key holder could forge: the MAC check refuses it.
        problem(Problem.BAD_VERSION, () -> in.decrypt(Base64s.encode(withVersion(raw, 4))));
        problem(Problem.MALFORMED, () -> in.decrypt(Base64s.encode(Arrays.copyOf(raw, raw.length - 1))));
        problem(Problem.MALFORMED, () -> in.decrypt(Base64s.encode(Arrays.copyOf(raw, 40))));
        byte[] longer = Arrays.copyOf(raw, raw.length + 1);
        problem(Problem.MALFORMED, () -> in.decrypt(Base64s.encode(longer)));
        problem(Problem.MALFORMED, () -> in.decrypt(Base64s.encode(new byte[MegolmMessage.MAX_BYTES + 1])));
        problem(Problem.MALFORMED_BASE64, () -> in.decrypt("not*base64"));
        // Another session's message: its signature is by another key.
        OutboundGroupSession other = OutboundGroupSession.create(RANDOM);
        problem(Problem.BAD_SIGNATURE, () -> in.decrypt(other.encrypt(bytes(SECRET))));
        // Still decrypts the genuine message: failures changed nothing.
        assertThat(text(in.decrypt(Base64s.encode(raw)))).isEqualTo(SECRET);
    }

    @Test
    void badMacUnderAValidSignatureIsRefused() {
        byte[] random = new byte[OutboundGroupSession.RANDOM_BYTES];
        RANDOM.nextBytes(random);
        OutboundGroupSession out = OutboundGroupSession.fromRandom(random);
        InboundGroupSession in = InboundGroupSession.fromSessionKey(out.sessionKey());
        // The same signing key with another ratchet: signatures verify, MACs do not.
        byte[] otherRatchet = random.clone();
        otherRatchet[0] ^= 1;
        OutboundGroupSession forger = OutboundGroupSession.fromRandom(otherRatchet);
        problem(Problem.BAD_MAC, () -> in.decrypt(forger.encrypt(bytes(SECRET))));
        assertThat(text(in.decrypt(out.encrypt(bytes("ok"))))).isEqualTo("ok");
    }

    @Test
    void indicesBeforeTheFirstKnownAreUnknown() {
        OutboundGroupSession out = OutboundGroupSession.create(RANDOM);
        String m0 = out.encrypt(bytes("zero"));
        InboundGroupSession late = InboundGroupSession.fromSessionKey(out.sessionKey());
        assertThat(late.firstKnownIndex()).isEqualTo(1);
        problem(Problem.UNKNOWN_MESSAGE_INDEX, () -> late.decrypt(m0));
        problem(Problem.UNKNOWN_MESSAGE_INDEX, () -> late.export(0));
    }

    @Test
    void sessionKeysWithWrongLengthsVersionsOrSignaturesAreRefused() {
        OutboundGroupSession out = OutboundGroupSession.create(RANDOM);
        byte[] key = Base64s.decode(out.sessionKey());
        problem(Problem.MALFORMED, () -> InboundGroupSession.fromSessionKey(Base64s.encode(Arrays.copyOf(key, 228))));
        problem(Problem.MALFORMED, () -> InboundGroupSession.fromSessionKey(Base64s.encode(Arrays.copyOf(key, 230))));
        problem(Problem.MALFORMED, () -> InboundGroupSession.fromSessionKey(""));
        problem(Problem.BAD_VERSION, () -> InboundGroupSession.fromSessionKey(Base64s.encode(withVersion(key, 1))));
        byte[] badSig = key.clone();
        badSig[10] ^= 1;
        problem(Problem.BAD_SIGNATURE, () -> InboundGroupSession.fromSessionKey(Base64s.encode(badSig)));
        byte[] badPoint = key.clone();
        Arrays.fill(badPoint, 133, 165, (byte) 0xFF);
        problem(Problem.BAD_KEY, () -> InboundGroupSession.fromSessionKey(Base64s.encode(badPoint)));
        String export = InboundGroupSession.fromSessionKey(out.sessionKey()).exportAtFirstKnownIndex();
        problem(Problem.BAD_VERSION, () -> InboundGroupSession.importExported(out.sessionKey()));
        problem(Problem.BAD_VERSION, () -> InboundGroupSession.fromSessionKey(export));
        problem(Problem.MALFORMED, () -> InboundGroupSession.importExported(
                Base64s.encode(Arrays.copyOf(Base64s.decode(export), 164))));
        problem(Problem.MALFORMED_BASE64, () -> InboundGroupSession.importExported("@@@"));
    }

    @Test
    void toStringsShowNoSecretsAndWipeClearsState() {
        OutboundGroupSession out = OutboundGroupSession.create(RANDOM);
        InboundGroupSession in = out.toInbound();
        String ratchet = Base64s.encode(Arrays.copyOfRange(out.toBytes(), 6, 6 + MegolmRatchet.BYTES));
        for (Object o : new Object[] {out, in, MegolmRatchet.of(new byte[MegolmRatchet.BYTES], 5),
                SessionKeys.parseSigned(out.sessionKey()), MegolmMessage.parse(Base64s.decode(out.encrypt(bytes(SECRET))))}) {
            assertThat(o.toString()).doesNotContain(ratchet.substring(0, 16)).doesNotContain(SECRET)
                    .doesNotContain(out.sessionKey().substring(8, 40));
        }
        byte[] before = in.toBytes();
        in.wipe();
        assertThat(Arrays.copyOfRange(in.toBytes(), 6, 6 + MegolmRatchet.BYTES)).containsOnly(0);
        assertThat(before).isNotEqualTo(in.toBytes());
        out.wipe();
        assertThat(Arrays.copyOfRange(out.toBytes(), 6, out.toBytes().length)).containsOnly(0);
    }

    private static byte[] withVersion(byte[] raw, int version) {
        byte[] copy = raw.clone();
        copy[0] = (byte) version;
        return copy;
    }

    static void problem(Problem expected, Executable call) {
        assertThatThrownBy(call::execute).isInstanceOf(MegolmException.class)
                .satisfies(e -> assertThat(((MegolmException) e).problem()).isEqualTo(expected))
                .message().doesNotContain(SECRET).doesNotContain("TOP-SECRET");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(InboundGroupSession.Decrypted d) {
        return new String(d.plaintext(), StandardCharsets.UTF_8);
    }
}
