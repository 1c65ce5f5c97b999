package dev.starling.mesh.routing;

import java.nio.charset.StandardCharsets;
import java.util.random.RandomGenerator;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * {@link SeqnoAuth} with the node's Ed25519 identity key (BouncyCastle, which rejects non-canonical
 * signatures and invalid points). The signed message is {@code "starling-mesh-seqno-v1" || source ||
 * seqno:u16}, domain-separated from every other use of the key.
 */
public final class Ed25519SeqnoAuth implements SeqnoAuth {
    private static final byte[] CONTEXT = "starling-mesh-seqno-v1".getBytes(StandardCharsets.US_ASCII);

    private final java.util.function.UnaryOperator<byte[]> signer;
    private final PeerKey self;

    public Ed25519SeqnoAuth(Ed25519PrivateKeyParameters privateKey) {
        this(new PeerKey(privateKey.generatePublicKey().getEncoded()), m -> {
            Ed25519Signer signer = new Ed25519Signer();
            signer.init(true, privateKey);
            signer.update(m, 0, m.length);
            return signer.generateSignature();
        });
    }

    private Ed25519SeqnoAuth(PeerKey self, java.util.function.UnaryOperator<byte[]> signer) {
        this.self = self;
        this.signer = signer;
    }

    /**
     * Signs with a key held elsewhere (a node's {@code NodeIdentity}, whose private key never leaves it):
     * {@code sign} must be deterministic Ed25519 (RFC 8032) by the private key of {@code self}.
     */
    public static Ed25519SeqnoAuth withSigner(PeerKey self, java.util.function.UnaryOperator<byte[]> sign) {
        return new Ed25519SeqnoAuth(self, sign);
    }

    /** A key from {@code random}: a SecureRandom in production, a seeded generator in tests and the simulator. */
    public static Ed25519SeqnoAuth generate(RandomGenerator random) {
        byte[] seed = new byte[Ed25519PrivateKeyParameters.KEY_SIZE];
        random.nextBytes(seed);
        return new Ed25519SeqnoAuth(new Ed25519PrivateKeyParameters(seed, 0));
    }

    @Override
    public PeerKey self() {
        return self;
    }

    @Override
    public byte[] signOwn(int seqno) {
        return signer.apply(message(self, seqno));
    }

    @Override
    public boolean verify(PeerKey source, int seqno, byte[] signature) {
        if (signature == null || signature.length != Packet.SIGNATURE_LENGTH) {
            return false;
        }
        try {
            Ed25519Signer verifier = new Ed25519Signer();
            verifier.init(false, new Ed25519PublicKeyParameters(source.bytes(), 0));
            byte[] m = message(source, seqno);
            verifier.update(m, 0, m.length);
            return verifier.verifySignature(signature);
        } catch (IllegalArgumentException notAPoint) {
            return false;
        }
    }

    private static byte[] message(PeerKey source, int seqno) {
        byte[] m = new byte[CONTEXT.length + PeerKey.LENGTH + 2];
        System.arraycopy(CONTEXT, 0, m, 0, CONTEXT.length);
        source.copyTo(m, CONTEXT.length);
        m[m.length - 2] = (byte) (seqno >>> 8);
        m[m.length - 1] = (byte) seqno;
        return m;
    }

    @Override
    public String toString() {
        return "Ed25519SeqnoAuth[" + self + "]";
    }
}
