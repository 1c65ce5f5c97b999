package dev.starling.mesh.link;

import dev.starling.mesh.identity.InvalidNodeIdException;
import dev.starling.mesh.identity.NodeId;
import dev.starling.mesh.identity.NodeIdentity;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * This node's keys for link handshakes: a Noise static X25519 key (fresh per transport, i.e. per boot) and
 * the identity proof that binds it to the node's Ed25519 key. The proof is the handshake payload:
 *
 * <pre>
 *   version (1 byte, = 1) || Ed25519 public key (32) || Ed25519 signature (64)
 *     over "starling-mesh-link-v1 noise static key:" || X25519 static public key (32)
 * </pre>
 *
 * The Noise handshake proves possession of the static key; the signature proves the node key chose it.
 */
final class LocalKeys {
    static final int PROOF_VERSION = 1;
    static final int PROOF_BYTES = 1 + NodeId.KEY_BYTES + NodeId.SIGNATURE_BYTES;
    static final byte[] SIGNATURE_CONTEXT = "starling-mesh-link-v1 noise static key:".getBytes(StandardCharsets.US_ASCII);
    /** Mixed into the handshake hash: a peer speaking another protocol or version fails at message 2. */
    static final byte[] PROLOGUE = "starling-mesh-link/1".getBytes(StandardCharsets.US_ASCII);

    final NodeIdentity identity;
    final X25519KeyPair noiseStatic;
    final byte[] proof;
    final SecureRandom random;

    LocalKeys(NodeIdentity identity, SecureRandom random) {
        this(identity, X25519KeyPair.generate(random), random);
    }

    LocalKeys(NodeIdentity identity, X25519KeyPair noiseStatic, SecureRandom random) {
        this(identity, noiseStatic, random, proof(identity, identity.nodeId(), noiseStatic.publicKey()));
    }

    /** With a given proof: only tests use this, to impersonate. */
    LocalKeys(NodeIdentity identity, X25519KeyPair noiseStatic, SecureRandom random, byte[] proof) {
        this.identity = identity;
        this.noiseStatic = noiseStatic;
        this.random = random;
        this.proof = proof.clone();
    }

    /** A proof claiming {@code claimed} signed by {@code signer}: honest when they are the same node. */
    static byte[] proof(NodeIdentity signer, NodeId claimed, byte[] staticPublic) {
        byte[] out = new byte[PROOF_BYTES];
        out[0] = PROOF_VERSION;
        System.arraycopy(claimed.publicKey(), 0, out, 1, NodeId.KEY_BYTES);
        byte[] signature = signer.sign(signedBytes(staticPublic));
        System.arraycopy(signature, 0, out, 1 + NodeId.KEY_BYTES, NodeId.SIGNATURE_BYTES);
        return out;
    }

    /** Checks a peer's proof against the static key the Noise handshake authenticated; returns the node. */
    static NodeId verify(byte[] proof, byte[] remoteStatic) throws HandshakeException {
        if (proof.length != PROOF_BYTES || proof[0] != PROOF_VERSION) {
            throw new HandshakeException(HandshakeException.Problem.BAD_IDENTITY_PROOF,
                    "identity proof of " + proof.length + " bytes or unknown version");
        }
        NodeId node;
        try {
            node = NodeId.of(Arrays.copyOfRange(proof, 1, 1 + NodeId.KEY_BYTES));
        } catch (InvalidNodeIdException e) {
            throw new HandshakeException(HandshakeException.Problem.BAD_IDENTITY_PROOF, "invalid node key");
        }
        byte[] signature = Arrays.copyOfRange(proof, 1 + NodeId.KEY_BYTES, PROOF_BYTES);
        if (!node.verify(signedBytes(remoteStatic), signature)) {
            throw new HandshakeException(HandshakeException.Problem.BAD_IDENTITY_PROOF,
                    "signature does not bind the Noise static key to node " + node.shortName());
        }
        return node;
    }

    private static byte[] signedBytes(byte[] staticPublic) {
        byte[] out = Arrays.copyOf(SIGNATURE_CONTEXT, SIGNATURE_CONTEXT.length + staticPublic.length);
        System.arraycopy(staticPublic, 0, out, SIGNATURE_CONTEXT.length, staticPublic.length);
        return out;
    }

    @Override
    public String toString() {
        return "LocalKeys[" + identity.nodeId().shortName() + "]";
    }
}
