package dev.starling.mesh.link;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The Noise XX handshake, {@code Noise_XX_25519_ChaChaPoly_SHA256} (Noise spec rev. 34, §7.5), written from
 * the spec and checked against the cacophony test vectors:
 *
 * <pre>
 *   -> e
 *   <- e, ee, s, es
 *   -> s, se
 * </pre>
 *
 * One object per handshake and role; call {@link #writeMessage}/{@link #readMessage} in turn, then
 * {@link #split()}. Any failure leaves the object unusable. Not thread-safe.
 */
final class NoiseXX {
    static final String PROTOCOL_NAME = "Noise_XX_25519_ChaChaPoly_SHA256";
    static final int DH_BYTES = X25519KeyPair.KEY_BYTES;
    /** A Noise message is at most 65535 bytes (§3). */
    static final int MAX_MESSAGE = 65535;

    private final boolean initiator;
    private final SymmetricState symmetric;
    private final X25519KeyPair s;
    private X25519KeyPair e;
    private byte[] re;
    private byte[] rs;
    private int step;
    private boolean failed;

    private NoiseXX(boolean initiator, byte[] prologue, X25519KeyPair s, X25519KeyPair e) {
        this.initiator = initiator;
        this.symmetric = new SymmetricState(PROTOCOL_NAME);
        this.s = s;
        this.e = e;
        symmetric.mixHash(prologue);
    }

    static NoiseXX initiator(byte[] prologue, X25519KeyPair staticKey, SecureRandom random) {
        return new NoiseXX(true, prologue, staticKey, X25519KeyPair.generate(random));
    }

    static NoiseXX responder(byte[] prologue, X25519KeyPair staticKey, SecureRandom random) {
        return new NoiseXX(false, prologue, staticKey, X25519KeyPair.generate(random));
    }

    /** With a fixed ephemeral key: only for the test vectors. */
    static NoiseXX withEphemeral(boolean initiator, byte[] prologue, X25519KeyPair staticKey, X25519KeyPair e) {
        return new NoiseXX(initiator, prologue, staticKey, e);
    }

    /** Whose turn: true when this side writes the next message. */
    boolean writesNext() {
        return initiator == (step % 2 == 0);
    }

    boolean isComplete() {
        return step == 3;
    }

    /** The peer's static public key, once received (after message 2 for the initiator, 3 for the responder). */
    byte[] remoteStatic() {
        if (rs == null) {
            throw new IllegalStateException("remote static key not received yet");
        }
        return rs.clone();
    }

    byte[] handshakeHash() {
        return symmetric.handshakeHash();
    }

    byte[] writeMessage(byte[] payload) throws NoiseException {
        check(true);
        try {
            byte[] out = switch (step) {
                case 0 -> concat(writeE(), symmetric.encryptAndHash(payload));
                case 1 -> {
                    byte[] ePub = writeE();
                    symmetric.mixKey(e.dh(re));
                    byte[] sCipher = symmetric.encryptAndHash(s.publicKey());
                    symmetric.mixKey(s.dh(re));
                    yield concat(ePub, sCipher, symmetric.encryptAndHash(payload));
                }
                case 2 -> {
                    byte[] sCipher = symmetric.encryptAndHash(s.publicKey());
                    symmetric.mixKey(s.dh(re));
                    yield concat(sCipher, symmetric.encryptAndHash(payload));
                }
                default -> throw new IllegalStateException("handshake already complete");
            };
            if (out.length > MAX_MESSAGE) {
                throw new NoiseException("handshake message too long");
            }
            step++;
            return out;
        } catch (NoiseException | RuntimeException ex) {
            failed = true;
            throw ex;
        }
    }

    byte[] readMessage(byte[] message) throws NoiseException {
        check(false);
        try {
            if (message.length > MAX_MESSAGE) {
                throw new NoiseException("handshake message too long");
            }
            int keyed = DH_BYTES + CipherState.TAG_BYTES;
            byte[] payload = switch (step) {
                case 0 -> {
                    require(message, DH_BYTES);
                    readE(message);
                    yield symmetric.decryptAndHash(Arrays.copyOfRange(message, DH_BYTES, message.length));
                }
                case 1 -> {
                    require(message, DH_BYTES + keyed + CipherState.TAG_BYTES);
                    readE(message);
                    symmetric.mixKey(e.dh(re));
                    rs = symmetric.decryptAndHash(Arrays.copyOfRange(message, DH_BYTES, DH_BYTES + keyed));
                    symmetric.mixKey(e.dh(rs));
                    yield symmetric.decryptAndHash(Arrays.copyOfRange(message, DH_BYTES + keyed, message.length));
                }
                case 2 -> {
                    require(message, keyed + CipherState.TAG_BYTES);
                    rs = symmetric.decryptAndHash(Arrays.copyOfRange(message, 0, keyed));
                    symmetric.mixKey(e.dh(rs));
                    yield symmetric.decryptAndHash(Arrays.copyOfRange(message, keyed, message.length));
                }
                default -> throw new IllegalStateException("handshake already complete");
            };
            step++;
            return payload;
        } catch (NoiseException | RuntimeException ex) {
            failed = true;
            throw ex;
        }
    }

    /** The transport ciphers: [send, receive] from this side's point of view. Wipes the handshake keys. */
    CipherState[] split() {
        if (!isComplete() || failed) {
            throw new IllegalStateException("handshake not complete");
        }
        CipherState[] pair = symmetric.split();
        e.wipe();
        return initiator ? pair : new CipherState[] {pair[1], pair[0]};
    }

    private byte[] writeE() {
        byte[] ePub = e.publicKey();
        symmetric.mixHash(ePub);
        return ePub;
    }

    private void readE(byte[] message) {
        re = Arrays.copyOfRange(message, 0, DH_BYTES);
        symmetric.mixHash(re);
    }

    private void check(boolean writing) {
        if (failed) {
            throw new IllegalStateException("handshake failed earlier");
        }
        if (isComplete()) {
            throw new IllegalStateException("handshake already complete");
        }
        if (writing != writesNext()) {
            throw new IllegalStateException(writing ? "not our turn to write" : "not our turn to read");
        }
    }

    private static void require(byte[] message, int minimum) throws NoiseException {
        if (message.length < minimum) {
            throw new NoiseException("handshake message of " + message.length + " bytes, expected at least " + minimum);
        }
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    @Override
    public String toString() {
        return "NoiseXX[" + (initiator ? "initiator" : "responder") + ", step=" + step + "]";
    }
}
