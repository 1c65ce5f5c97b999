package dev.starling.bench;

import dev.starling.olm.account.Account;
import dev.starling.olm.megolm.InboundGroupSession;
import dev.starling.olm.megolm.OutboundGroupSession;
import dev.starling.olm.session.EncryptedMessage;
import dev.starling.olm.session.InboundSession;
import dev.starling.olm.session.Session;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.crypto.VerifyKey;
import dev.starling.protocol.id.KeyId;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The {@code olm} module's hot paths, the same operations, sizes and session states as libolm's harness
 * ({@code bench/src/main/c/olm_bench.c}, run side by side by {@code scripts/bench-olm.sh}):
 *
 * <ul>
 *   <li>{@code olmOutboundSession}: {@link Session#createOutbound} from Bob's identity and fallback key (random bytes
 *       drawn once, as the C harness);</li>
 *   <li>{@code olmInboundSession}: {@link Session#createInbound} from a pre-key message, which includes decrypting
 *       it (libolm: {@code olm_create_inbound_session_from} + {@code olm_decrypt}); the fallback key stays, so the
 *       same message serves every call;</li>
 *   <li>{@code olmEncrypt} / {@code olmDecrypt}: a 256-byte plaintext on an established session in its steady
 *       state (Bob has answered once, Alice sends normal messages on one chain); decrypt takes the next message,
 *       encrypted in the untimed per-invocation setup;</li>
 *   <li>{@code megolmEncrypt} / {@code megolmDecrypt}: a 256-byte plaintext, messages in order (each decrypt
 *       advances the ratchet by one and checks the Ed25519 signature and the MAC).</li>
 *   <li>{@code ed25519Sign} / {@code ed25519Verify}: diagnostics, Ed25519 alone (the protocol module's
 *       {@link SigningKey} / {@link VerifyKey}, BouncyCastle) over the 288 bytes a Megolm message with a 256-byte
 *       plaintext signs; libolm's harness uses {@code olm_pk_sign} / {@code olm_ed25519_verify} (base64
 *       signature and key, as its API takes them).</li>
 * </ul>
 *
 * Setup checks that each measured path succeeds and round-trips (a wrong path is never measured).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class OlmBenchmark {
    static final int PLAINTEXT_BYTES = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    static byte[] plaintext() {
        byte[] p = new byte[PLAINTEXT_BYTES];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) ('a' + i % 26);
        }
        return p;
    }

    /** Alice and Bob (with a fallback key), and a pre-key message from Alice to Bob. */
    @State(Scope.Thread)
    public static class Accounts {
        final byte[] plaintext = plaintext();
        Account alice;
        Account bob;
        String bobFallback;
        byte[] outboundRandom;
        String preKeyBody;

        @Setup
        public void setUp() {
            alice = Account.create(RANDOM);
            bob = Account.create(RANDOM);
            bob.generateFallbackKey(RANDOM);
            bobFallback = bob.fallbackKey().publicKey();
            outboundRandom = new byte[Session.OUTBOUND_RANDOM_BYTES];
            RANDOM.nextBytes(outboundRandom);
            EncryptedMessage m = Session.createOutbound(alice, bob.curve25519Key(), bobFallback, RANDOM)
                    .encrypt(plaintext, RANDOM);
            if (m.type() != EncryptedMessage.PRE_KEY) {
                throw new IllegalStateException("not a pre-key message");
            }
            preKeyBody = m.body();
            check(Session.createInbound(bob, alice.curve25519Key(), preKeyBody).plaintext(), plaintext);
            check(Session.createInbound(bob, alice.curve25519Key(), preKeyBody).plaintext(), plaintext);
        }

        /** An Alice → Bob session pair in its steady state: Bob has answered, Alice sends normal messages. */
        Session[] pair() {
            Session a = Session.createOutbound(alice, bob.curve25519Key(), bobFallback, RANDOM);
            InboundSession in = Session.createInbound(bob, alice.curve25519Key(), a.encrypt(plaintext, RANDOM).body());
            check(in.plaintext(), plaintext);
            EncryptedMessage reply = in.session().encrypt(plaintext, RANDOM);
            check(a.decrypt(reply), plaintext);
            return new Session[] {a, in.session()};
        }
    }

    /** A steady Alice → Bob pair for encryption (nobody decrypts). */
    @State(Scope.Thread)
    public static class OlmSending {
        Session alice;
        byte[] noRandom = new byte[0];

        @Setup
        public void setUp(Accounts accounts) {
            alice = accounts.pair()[0];
            if (alice.encryptRandomLength() != 32) {
                throw new IllegalStateException("Alice's first message after Bob's answer takes a new ratchet key");
            }
            EncryptedMessage first = alice.encrypt(accounts.plaintext, RANDOM);
            if (first.type() != EncryptedMessage.NORMAL || alice.encryptRandomLength() != 0) {
                throw new IllegalStateException("not in the steady state");
            }
        }
    }

    /** A steady pair for decryption: the next message is encrypted before each (timed) decryption. */
    @State(Scope.Thread)
    public static class OlmReceiving {
        Session alice;
        Session bob;
        EncryptedMessage next;
        byte[] plaintext;

        @Setup(Level.Trial)
        public void setUp(Accounts accounts) {
            Session[] pair = accounts.pair();
            alice = pair[0];
            bob = pair[1];
            plaintext = accounts.plaintext;
            check(bob.decrypt(alice.encrypt(plaintext, RANDOM)), plaintext);
        }

        @Setup(Level.Invocation)
        public void encryptNext() {
            next = alice.encrypt(plaintext, alice.encryptRandomLength() == 0 ? new byte[0] : randomBytes(32));
        }
    }

    /** Megolm: an outbound session for encryption, and a second one with its inbound twin for decryption. */
    @State(Scope.Thread)
    public static class Megolm {
        final byte[] plaintext = plaintext();
        OutboundGroupSession sending;
        OutboundGroupSession other;
        InboundGroupSession receiving;
        String next;

        @Setup(Level.Trial)
        public void setUp() {
            sending = OutboundGroupSession.create(RANDOM);
            other = OutboundGroupSession.create(RANDOM);
            receiving = InboundGroupSession.fromSessionKey(other.sessionKey());
            check(receiving.decrypt(other.encrypt(plaintext)).plaintext(), plaintext);
        }

        @Setup(Level.Invocation)
        public void encryptNext() {
            next = other.encrypt(plaintext);
        }
    }

    /** Ed25519 alone, over the bytes a Megolm message signs. */
    @State(Scope.Thread)
    public static class Ed25519 {
        final byte[] message = new byte[288];
        SigningKey key;
        VerifyKey verifyKey;
        byte[] signature;

        @Setup
        public void setUp() {
            for (int i = 0; i < message.length; i++) {
                message[i] = (byte) i;
            }
            key = SigningKey.generate(KeyId.ed25519("bench"), RANDOM);
            verifyKey = key.verifyKey();
            signature = key.sign(message);
            if (!verifyKey.verify(message, signature)) {
                throw new IllegalStateException("the signature does not verify");
            }
        }
    }

    @Benchmark
    public byte[] ed25519Sign(Ed25519 s) {
        return s.key.sign(s.message);
    }

    @Benchmark
    public boolean ed25519Verify(Ed25519 s) {
        return s.verifyKey.verify(s.message, s.signature);
    }

    @Benchmark
    public Session olmOutboundSession(Accounts s) {
        return Session.createOutbound(s.alice, s.bob.curve25519Key(), s.bobFallback, s.outboundRandom);
    }

    @Benchmark
    public InboundSession olmInboundSession(Accounts s) {
        return Session.createInbound(s.bob, s.alice.curve25519Key(), s.preKeyBody);
    }

    @Benchmark
    public EncryptedMessage olmEncrypt(OlmSending s, Accounts a) {
        return s.alice.encrypt(a.plaintext, s.noRandom);
    }

    @Benchmark
    public byte[] olmDecrypt(OlmReceiving s) {
        return s.bob.decrypt(s.next);
    }

    @Benchmark
    public String megolmEncrypt(Megolm s) {
        return s.sending.encrypt(s.plaintext);
    }

    @Benchmark
    public InboundGroupSession.Decrypted megolmDecrypt(Megolm s) {
        return s.receiving.decrypt(s.next);
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    static void check(byte[] actual, byte[] expected) {
        if (!Arrays.equals(actual, expected)) {
            throw new IllegalStateException("the round trip did not give the plaintext back");
        }
    }
}
