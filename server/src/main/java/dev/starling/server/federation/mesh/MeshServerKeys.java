package dev.starling.server.federation.mesh;

import dev.starling.mesh.identity.InvalidNodeIdException;
import dev.starling.mesh.identity.NodeId;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.crypto.VerifyKey;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.id.ServerName;
import dev.starling.server.federation.keys.SelfCertifiedKeys;
import java.util.Optional;

/**
 * Mesh node names are their own key: a node's server name is its Ed25519 public key in base32, and the node
 * signs events and requests with that same key under the key ID {@code ed25519:mesh}. So the key of a node
 * name is read from the name, and a key document for the name must publish exactly that key.
 */
public final class MeshServerKeys implements SelfCertifiedKeys {
    /** The key ID every node signs with. */
    public static final KeyId KEY_ID = KeyId.ed25519("mesh");

    /** The homeserver's signing key of a node: the node key itself (its 32-byte seed). */
    public static SigningKey signingKey(byte[] nodeSeed) {
        return SigningKey.fromSeed(KEY_ID, nodeSeed);
    }

    @Override
    public Optional<VerifyKey> keyOf(ServerName server) {
        try {
            return Optional.of(VerifyKey.of(KEY_ID, NodeId.fromServerName(server).publicKey()));
        } catch (InvalidNodeIdException e) {
            return Optional.empty();
        }
    }
}
