package dev.starling.mesh.routing;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * The end-to-end identity of one message on the mesh: 16 random bytes chosen by its origin. Receivers
 * deduplicate on it (a retransmitted or store-and-forwarded copy may arrive twice). Immutable.
 */
public final class MessageId {
    public static final int LENGTH = 16;

    private final byte[] bytes;
    private final int hash;

    public MessageId(byte[] bytes) {
        if (bytes == null || bytes.length != LENGTH) {
            throw new IllegalArgumentException("a message id is 16 bytes");
        }
        this.bytes = bytes.clone();
        this.hash = Arrays.hashCode(this.bytes);
    }

    /** A fresh id from {@code random} (a SecureRandom in production, a seeded generator in the simulator). */
    public static MessageId random(RandomGenerator random) {
        byte[] b = new byte[LENGTH];
        random.nextBytes(b);
        return new MessageId(b);
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    void copyTo(byte[] out, int offset) {
        System.arraycopy(bytes, 0, out, offset, LENGTH);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MessageId other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }
}
