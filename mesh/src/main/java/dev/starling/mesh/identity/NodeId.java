package dev.starling.mesh.identity;

import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.ServerName;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * A node's identity: its 32-byte Ed25519 public key. The node's Matrix server name is derived from the key
 * (lowercase RFC 4648 base32 without padding, 52 characters), so a server name is self-certifying: whoever
 * proves the key behind a name is that server, with no DNS and no key fetching.
 *
 * <p>Validated when built: exactly 32 bytes encoding a canonical point of large prime order (a small-order
 * "weak" key, for which trivial signatures verify, is refused; SECURITY item 9). Immutable.
 */
public record NodeId(byte[] publicKey) {
    /** Bytes of an Ed25519 public key. */
    public static final int KEY_BYTES = Ed25519.PUBLIC_KEY_SIZE;
    /** Bytes of an Ed25519 signature. */
    public static final int SIGNATURE_BYTES = Ed25519.SIGNATURE_SIZE;
    /** Characters of the derived server name: ceil(256 / 5). */
    public static final int SERVER_NAME_LENGTH = 52;

    public NodeId {
        if (publicKey == null || publicKey.length != KEY_BYTES) {
            throw new InvalidNodeIdException("a node key is " + KEY_BYTES + " bytes, got "
                    + (publicKey == null ? "none" : publicKey.length));
        }
        if (!Ed25519.validatePublicKeyFull(publicKey, 0)) {
            throw new InvalidNodeIdException("not a canonical Ed25519 point of large prime order");
        }
        publicKey = publicKey.clone();
    }

    /** Builds the node ID from 32 public key bytes (copied). */
    public static NodeId of(byte[] publicKey) {
        return new NodeId(publicKey);
    }

    /** Parses a server name produced by {@link #serverName()} back into the node key; refuses anything else. */
    public static NodeId fromServerName(ServerName name) {
        return fromServerName(name.value());
    }

    /** Parses the text of a node's server name (exactly 52 lowercase base32 characters, no port). */
    public static NodeId fromServerName(String name) {
        if (name == null || name.length() != SERVER_NAME_LENGTH) {
            throw new InvalidNodeIdException("a node server name is " + SERVER_NAME_LENGTH + " characters");
        }
        byte[] key = Base32.decode(name)
                .orElseThrow(() -> new InvalidNodeIdException("not canonical lowercase base32"));
        return new NodeId(key);
    }

    /** True when the server name is a node name (a valid key in canonical form). */
    public static boolean isNodeServerName(ServerName name) {
        try {
            fromServerName(name);
            return true;
        } catch (InvalidNodeIdException e) {
            return false;
        }
    }

    /** A copy of the public key bytes. */
    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The node's Matrix server name: the key in lowercase base32 without padding. */
    public ServerName serverName() {
        try {
            return ServerName.parse(Base32.encode(publicKey));
        } catch (InvalidIdentifierException e) {
            throw new IllegalStateException("base32 is always a valid DNS label", e);
        }
    }

    /** Verifies an Ed25519 signature by this node (strict: BouncyCastle refuses non-canonical S). */
    public boolean verify(byte[] message, byte[] signature) {
        if (signature == null || signature.length != SIGNATURE_BYTES) {
            return false;
        }
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }

    /** A short form for logs: the first 8 characters of the server name. */
    public String shortName() {
        return Base32.encode(publicKey).substring(0, 8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NodeId that && MessageDigest.isEqual(publicKey, that.publicKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(publicKey);
    }

    @Override
    public String toString() {
        return "NodeId[" + Base32.encode(publicKey) + "]";
    }

    /** The key in hex, for test output and debugging. */
    public String toHex() {
        return HexFormat.of().formatHex(publicKey);
    }
}
