package dev.starling.mesh.routing;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A node as the routing layer knows it: the 32 bytes of its Ed25519 public key. This is the routing
 * layer's own stand-in for the identity package's {@code NodeId}, so that routing does not depend on it;
 * at the seam, {@code new PeerKey(nodeId.publicKey())} adapts one to the other. Immutable; the bytes are
 * copied in and out.
 */
public final class PeerKey implements Comparable<PeerKey> {
    /** Length of an Ed25519 public key. */
    public static final int LENGTH = 32;

    private final byte[] bytes;
    private final int hash;

    public PeerKey(byte[] bytes) {
        if (bytes == null || bytes.length != LENGTH) {
            throw new IllegalArgumentException("a peer key is 32 bytes");
        }
        this.bytes = bytes.clone();
        this.hash = Arrays.hashCode(this.bytes);
    }

    /** A copy of the 32 key bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Writes the key into {@code out} at {@code offset} without copying it first. */
    void copyTo(byte[] out, int offset) {
        System.arraycopy(bytes, 0, out, offset, LENGTH);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerKey other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** Unsigned lexicographic order: the deterministic tie-break between equal routes. */
    @Override
    public int compareTo(PeerKey o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    /** The first 8 bytes in hex: enough to tell nodes apart in logs (a public key is not a secret). */
    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes, 0, 8);
    }
}
