package dev.starling.olm.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.olm.account.Account;
import dev.starling.protocol.crypto.Base64s;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every bad message or key is refused with its specific {@link OlmException.Problem}, leaves the session usable,
 * and no error message carries plaintext or key material (SECURITY.md items 29–31).
 */
class SessionRefusalsTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SECRET_TEXT = "the secret plaintext";
    /** Any run of base64 this long in an error message would be suspect: keys, bodies, ciphertext. */
    private static final Pattern BASE64_RUN = Pattern.compile("[A-Za-z0-9+/]{16,}");

    private final List<String> messages = new ArrayList<>();
    private Account alice;
    private Account bob;
    private Session aliceSession;
    private Session bobSession;
    private EncryptedMessage firstPreKey;

    @BeforeEach
    void converse() {
        alice = Account.create(RANDOM);
        bob = Account.create(RANDOM);
        bob.generateOneTimeKeys(1, RANDOM);
        aliceSession = Session.createOutbound(alice, bob.curve25519Key(),
                bob.unpublishedOneTimeKeys().values().iterator().next(), RANDOM);
        firstPreKey = aliceSession.encrypt(utf8(SECRET_TEXT), RANDOM);
        bobSession = Session.createInbound(bob, alice.curve25519Key(), firstPreKey.body()).session();
    }

    @AfterEach
    void noErrorMessageLeaks() {
        for (String message : messages) {
            assertThat(message).doesNotContain(SECRET_TEXT).doesNotContain(firstPreKey.body());
            assertThat(BASE64_RUN.matcher(message).find()).as("base64-like run in: %s", message).isFalse();
        }
    }

    @Test
    void tamperedMacOrCiphertextIsBadMacAndChangesNothing() {
        EncryptedMessage reply = bobSession.encrypt(utf8(SECRET_TEXT), RANDOM);
        byte[] body = Base64s.decode(reply.body());
        for (int position : new int[] {body.length - 1, body.length - 9, body.length - 20, 3}) {
            byte[] tampered = body.clone();
            tampered[position] ^= 0x01;
            refused(() -> aliceSession.decrypt(1, Base64s.encode(tampered)), OlmException.Problem.BAD_MAC);
        }
        assertThat(aliceSession.decrypt(reply)).asString(StandardCharsets.UTF_8).isEqualTo(SECRET_TEXT);
    }

    @Test
    void replayedMessageIsRefused() {
        EncryptedMessage reply = bobSession.encrypt(utf8("once"), RANDOM);
        aliceSession.decrypt(reply);
        refused(() -> aliceSession.decrypt(reply), OlmException.Problem.MESSAGE_KEY_ALREADY_USED);
    }

    @Test
    void truncatedMessagesAreRefusedAtEveryLength() {
        EncryptedMessage reply = bobSession.encrypt(utf8(SECRET_TEXT), RANDOM);
        byte[] body = Base64s.decode(reply.body());
        for (int length = 0; length < body.length; length++) {
            byte[] prefix = Arrays.copyOf(body, length);
            assertThatThrownBy(() -> aliceSession.decrypt(1, Base64s.encode(prefix)))
                    .isInstanceOf(OlmException.class);
        }
        refused(() -> aliceSession.decrypt(1, ""), OlmException.Problem.TRUNCATED);
        refused(() -> aliceSession.decrypt(1, Base64s.encode(Arrays.copyOf(body, 8))), OlmException.Problem.TRUNCATED);
        refused(() -> aliceSession.decrypt(1, Base64s.encode(Arrays.copyOf(body, body.length - 12))),
                OlmException.Problem.TRUNCATED);
        byte[] preKey = Base64s.decode(firstPreKey.body());
        refused(() -> bobSession.decrypt(0, Base64s.encode(Arrays.copyOf(preKey, 40))), OlmException.Problem.TRUNCATED);
        assertThat(aliceSession.decrypt(reply)).asString(StandardCharsets.UTF_8).isEqualTo(SECRET_TEXT);
    }

    @Test
    void overLongMessagesAreRefusedBeforeDecoding() {
        String huge = "A".repeat(OlmMessage.MAX_BYTES / 3 * 4 + 8);
        refused(() -> aliceSession.decrypt(1, huge), OlmException.Problem.TOO_LONG);
        refused(() -> bobSession.decrypt(0, huge), OlmException.Problem.TOO_LONG);
        refused(() -> Session.createInbound(bob, null, huge), OlmException.Problem.TOO_LONG);
        refused(() -> OlmMessage.decode(new byte[OlmMessage.MAX_BYTES + 1]), OlmException.Problem.TOO_LONG);
    }

    @Test
    void wrongLengthKeysAreRefused() {
        byte[] key33 = new byte[33];
        key33[0] = 9;
        byte[] message = normal(key33, 0, new byte[16]);
        refused(() -> aliceSession.decrypt(1, Base64s.encode(message)), OlmException.Problem.WRONG_KEY_LENGTH);
        refused(() -> aliceSession.decrypt(1, Base64s.encode(normal(new byte[31], 0, new byte[16]))),
                OlmException.Problem.WRONG_KEY_LENGTH);
        String shortKey = Base64s.encode(new byte[31]);
        refused(() -> Session.createOutbound(alice, shortKey, bob.curve25519Key(), RANDOM),
                OlmException.Problem.WRONG_KEY_LENGTH);
        refused(() -> Session.createOutbound(alice, bob.curve25519Key(), Base64s.encode(new byte[33]), RANDOM),
                OlmException.Problem.WRONG_KEY_LENGTH);
        refused(() -> Session.createOutbound(alice, "not base64!", bob.curve25519Key(), RANDOM),
                OlmException.Problem.MALFORMED_BASE64);
        refused(() -> Session.createInbound(bob, shortKey, firstPreKey.body()), OlmException.Problem.WRONG_KEY_LENGTH);
        refused(() -> aliceSession.decrypt(1, "@@@@"), OlmException.Problem.MALFORMED_BASE64);
    }

    @Test
    void smallOrderKeysGiveNoSession() {
        String zero = Base64s.encode(new byte[32]);
        refused(() -> Session.createOutbound(alice, zero, bob.curve25519Key(), RANDOM),
                OlmException.Problem.NON_CONTRIBUTORY_KEY);
        refused(() -> Session.createOutbound(alice, bob.curve25519Key(), zero, RANDOM),
                OlmException.Problem.NON_CONTRIBUTORY_KEY);
    }

    @Test
    void preKeyMessageForUsedOrUnknownOneTimeKeyIsRefused() {
        refused(() -> Session.createInbound(bob, alice.curve25519Key(), firstPreKey.body()),
                OlmException.Problem.UNKNOWN_ONE_TIME_KEY);
        Account stranger = Account.create(RANDOM);
        stranger.generateOneTimeKeys(5, RANDOM);
        refused(() -> Session.createInbound(stranger, null, firstPreKey.body()), OlmException.Problem.UNKNOWN_ONE_TIME_KEY);
        assertThat(stranger.oneTimeKeys()).hasSize(5);
    }

    @Test
    void preKeyMessageFromAnotherIdentityIsRefusedAndKeepsTheOneTimeKey() {
        Account carol = Account.create(RANDOM);
        carol.generateOneTimeKeys(1, RANDOM);
        Session toCarol = Session.createOutbound(alice, carol.curve25519Key(),
                carol.unpublishedOneTimeKeys().values().iterator().next(), RANDOM);
        EncryptedMessage message = toCarol.encrypt(utf8(SECRET_TEXT), RANDOM);
        refused(() -> Session.createInbound(carol, bob.curve25519Key(), message.body()),
                OlmException.Problem.IDENTITY_KEY_MISMATCH);
        assertThat(carol.oneTimeKeys()).hasSize(1);
        assertThat(Session.createInbound(carol, alice.curve25519Key(), message.body()).plaintext())
                .asString(StandardCharsets.UTF_8).isEqualTo(SECRET_TEXT);
        assertThat(carol.oneTimeKeys()).isEmpty();
    }

    @Test
    void tamperedPreKeyMessageKeepsTheOneTimeKey() {
        Account dave = Account.create(RANDOM);
        dave.generateOneTimeKeys(1, RANDOM);
        Session toDave = Session.createOutbound(alice, dave.curve25519Key(),
                dave.unpublishedOneTimeKeys().values().iterator().next(), RANDOM);
        byte[] body = Base64s.decode(toDave.encrypt(utf8(SECRET_TEXT), RANDOM).body());
        body[body.length - 1] ^= 1;
        refused(() -> Session.createInbound(dave, null, Base64s.encode(body)), OlmException.Problem.BAD_MAC);
        assertThat(dave.oneTimeKeys()).hasSize(1);
    }

    @Test
    void versionFourIsNeverEmittedAndRefused() {
        EncryptedMessage reply = bobSession.encrypt(utf8("v"), RANDOM);
        assertThat(Base64s.decode(reply.body())[0]).isEqualTo((byte) 3);
        byte[] preKey = Base64s.decode(firstPreKey.body());
        assertThat(preKey[0]).isEqualTo((byte) 3);
        assertThat(PreKeyMessage.decode(preKey).message()).isNotNull();
        byte[] v4 = Base64s.decode(reply.body());
        v4[0] = 4;
        refused(() -> aliceSession.decrypt(1, Base64s.encode(v4)), OlmException.Problem.UNSUPPORTED_VERSION);
        byte[] preKeyV4 = preKey.clone();
        preKeyV4[0] = 4;
        refused(() -> bobSession.decrypt(0, Base64s.encode(preKeyV4)), OlmException.Problem.UNSUPPORTED_VERSION);
        refused(() -> aliceSession.decrypt(1, Base64s.encode(normalWithVersion(2))),
                OlmException.Problem.UNSUPPORTED_VERSION);
    }

    @Test
    void wrongMessageTypeIsRefused() {
        refused(() -> aliceSession.decrypt(2, firstPreKey.body()), OlmException.Problem.WRONG_MESSAGE_TYPE);
        refused(() -> new EncryptedMessage(7, "AAAA"), OlmException.Problem.WRONG_MESSAGE_TYPE);
    }

    @Test
    void malformedFieldsAreRefused() {
        byte[] ratchet = Base64s.decode(alice.curve25519Key());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(3);
        Wire.bytes(out, OlmMessage.RATCHET_KEY_TAG, ratchet);
        Wire.bytes(out, OlmMessage.RATCHET_KEY_TAG, ratchet);
        out.write(OlmMessage.COUNTER_TAG);
        out.write(0);
        Wire.bytes(out, OlmMessage.CIPHERTEXT_TAG, new byte[16]);
        out.writeBytes(new byte[8]);
        refused(() -> OlmMessage.decode(out.toByteArray()), OlmException.Problem.MALFORMED);
        // missing counter
        refused(() -> OlmMessage.decode(concat(new byte[] {3}, field(OlmMessage.RATCHET_KEY_TAG, ratchet),
                field(OlmMessage.CIPHERTEXT_TAG, new byte[16]), new byte[8])), OlmException.Problem.MALFORMED);
        // a varint over 32 bits
        refused(() -> OlmMessage.decode(concat(new byte[] {3, 0x10, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                (byte) 0xFF, (byte) 0x7F}, new byte[8])), OlmException.Problem.MALFORMED);
        // wire type 5 (fixed32) is not libolm's
        refused(() -> OlmMessage.decode(concat(new byte[] {3, 0x2D, 1, 2, 3, 4}, new byte[8])),
                OlmException.Problem.MALFORMED);
        // unknown varint and bytes fields are skipped, as libolm does
        OlmMessage skipped = OlmMessage.decode(concat(new byte[] {3, 0x38, 5}, field(0x42, new byte[3]),
                field(OlmMessage.RATCHET_KEY_TAG, ratchet), new byte[] {0x10, 7},
                field(OlmMessage.CIPHERTEXT_TAG, new byte[16]), new byte[8]));
        assertThat(skipped.counter()).isEqualTo(7);
    }

    @Test
    void messageTooFarAheadIsRefused() {
        List<EncryptedMessage> sent = new ArrayList<>();
        for (int i = 0; i <= Session.MAX_MESSAGE_GAP + 1; i++) {
            sent.add(bobSession.encrypt(utf8("m" + i), randomFor(bobSession)));
        }
        refused(() -> aliceSession.decrypt(sent.get(Session.MAX_MESSAGE_GAP + 1)),
                OlmException.Problem.MESSAGE_GAP_TOO_LARGE);
        assertThat(aliceSession.decrypt(sent.get(Session.MAX_MESSAGE_GAP))).asString(StandardCharsets.UTF_8)
                .isEqualTo("m" + Session.MAX_MESSAGE_GAP);
        // only the newest 40 skipped keys are kept
        assertThat(aliceSession.decrypt(sent.get(Session.MAX_MESSAGE_GAP - 40))).asString(StandardCharsets.UTF_8)
                .isEqualTo("m" + (Session.MAX_MESSAGE_GAP - 40));
        refused(() -> aliceSession.decrypt(sent.get(Session.MAX_MESSAGE_GAP - 41)),
                OlmException.Problem.MESSAGE_KEY_ALREADY_USED);
    }

    @Test
    void newRatchetKeyBeforeWeSentIsRefused() {
        // Bob has not sent yet, so he has no sending chain: a message on a ratchet key he never saw is refused.
        Session other = Session.createOutbound(alice, bob.curve25519Key(),
                Base64s.encode(new byte[] {9, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
                    21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31}), RANDOM);
        EncryptedMessage stray = other.encrypt(utf8(SECRET_TEXT), RANDOM);
        refused(() -> bobSession.decrypt(0, stray.body()), OlmException.Problem.UNEXPECTED_RATCHET_KEY);
    }

    @Test
    void secretsAreAbsentFromToString() {
        String accountState = Base64s.encode(alice.serialize());
        String sessionState = Base64s.encode(aliceSession.serialize());
        assertThat(alice.toString()).contains(alice.curve25519Key());
        for (String text : List.of(alice.toString(), aliceSession.toString())) {
            assertThat(text).doesNotContain(SECRET_TEXT).isNotEqualTo(accountState).isNotEqualTo(sessionState);
        }
        byte[] state = aliceSession.serialize();
        String root = Base64s.encode(Arrays.copyOfRange(state, 1 + 4 * 32 + 1, 1 + 5 * 32 + 1));
        assertThat(aliceSession.toString()).doesNotContain(root);
        byte[] accountBytes = alice.serialize();
        String seed = Base64s.encode(Arrays.copyOfRange(accountBytes, 1, 33));
        String curvePrivate = Base64s.encode(Arrays.copyOfRange(accountBytes, 33, 65));
        assertThat(alice.toString()).doesNotContain(seed).doesNotContain(curvePrivate);
        assertThat(sessionState).isNotEmpty();
    }

    private static byte[] randomFor(Session session) {
        byte[] random = new byte[session.encryptRandomLength()];
        RANDOM.nextBytes(random);
        return random.length == 0 ? null : random;
    }

    private void refused(ThrowingCallable call, OlmException.Problem expected, OlmException.Problem... alsoAccepted) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
        assertThat(thrown).isInstanceOf(OlmException.class);
        OlmException e = (OlmException) thrown;
        List<OlmException.Problem> accepted = new ArrayList<>(List.of(alsoAccepted));
        accepted.add(expected);
        assertThat(accepted).as("problem of: %s", e.getMessage()).contains(e.problem());
        messages.add(e.getMessage());
    }

    private static byte[] normal(byte[] ratchetKey, int counter, byte[] ciphertext) {
        return concat(new byte[] {3}, field(OlmMessage.RATCHET_KEY_TAG, ratchetKey), new byte[] {0x10, (byte) counter},
                field(OlmMessage.CIPHERTEXT_TAG, ciphertext), new byte[8]);
    }

    private static byte[] normalWithVersion(int version) {
        byte[] message = normal(new byte[32], 0, new byte[16]);
        message[0] = (byte) version;
        return message;
    }

    private static byte[] field(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Wire.bytes(out, tag, value);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
