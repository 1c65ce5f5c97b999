package dev.starling.olm.megolm;

import dev.starling.olm.crypto.Secrets;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The Megolm ratchet: four 32-byte parts R0..R3 and a 32-bit counter (spec: "Megolm" in the olm repository's
 * megolm.md; libolm's megolm.c). Part {@code j} is rehashed into part {@code k} as
 * {@code HMAC-SHA-256(key = R(j), message = [k])}. R0 turns every 2^24 steps, R1 every 2^16, R2 every 2^8 and
 * R3 every step, so advancing to any index costs at most 4 × 256 HMACs, wrap-around included. The counter
 * is held in an {@code int} and treated as unsigned. Mutable and not thread-safe; {@code toString()} shows
 * only the counter.
 */
public final class MegolmRatchet {
    /** Bytes of one part. */
    public static final int PART_BYTES = 32;
    /** Number of parts. */
    public static final int PARTS = 4;
    /** Bytes of the whole ratchet: the message key material. */
    public static final int BYTES = PART_BYTES * PARTS;

    private static final byte[][] SEEDS = {{0x00}, {0x01}, {0x02}, {0x03}};

    private final byte[] data;
    private int counter;

    private MegolmRatchet(byte[] data, int counter) {
        this.data = data;
        this.counter = counter;
    }

    /** A ratchet from its 128 bytes (copied) at {@code counter} (unsigned). */
    public static MegolmRatchet of(byte[] data, int counter) {
        Secrets.requireLength(data, BYTES, "a Megolm ratchet");
        return new MegolmRatchet(data.clone(), counter);
    }

    /** The counter, an unsigned 32-bit value in a {@code long}. */
    public long index() {
        return Integer.toUnsignedLong(counter);
    }

    int counter() {
        return counter;
    }

    /** A copy of the 128 ratchet bytes; the caller wipes it. */
    public byte[] data() {
        return data.clone();
    }

    /** An independent copy. */
    public MegolmRatchet copy() {
        return new MegolmRatchet(data.clone(), counter);
    }

    /** Advances one step, as the sender does after each message. */
    public void advance() {
        counter++;
        int mask = 0x00FFFFFF;
        int h = 0;
        while (h < PARTS) {
            if ((counter & mask) == 0) {
                break;
            }
            h++;
            mask >>>= 8;
        }
        for (int i = PARTS - 1; i >= h; i--) {
            rehash(h, i);
        }
    }

    /**
     * Advances to {@code target} (unsigned). A target below the counter wraps around through 2^32, as libolm's
     * {@code megolm_advance_to} does; callers that must not wrap compare first.
     */
    public void advanceTo(int target) {
        for (int j = 0; j < PARTS; j++) {
            int shift = (PARTS - j - 1) * 8;
            int mask = -1 << shift;
            int steps = ((target >>> shift) - (counter >>> shift)) & 0xFF;
            if (steps == 0) {
                // Only for R0: the target wrapped around below the counter, so R0 turns 256 times.
                if (Integer.compareUnsigned(target, counter) < 0) {
                    steps = 0x100;
                } else {
                    continue;
                }
            }
            while (steps > 1) {
                rehash(j, j);
                steps--;
            }
            for (int k = PARTS - 1; k >= j; k--) {
                rehash(j, k);
            }
            counter = target & mask;
        }
    }

    private void rehash(int from, int to) {
        // BouncyCastle's HMac directly: a jump makes up to 1,024 of these, and a JCE Mac lookup per call
        // would dominate. The HMAC output is exactly one part (32 bytes).
        HMac hmac = new HMac(new SHA256Digest());
        hmac.init(new KeyParameter(data, from * PART_BYTES, PART_BYTES));
        hmac.update(SEEDS[to], 0, 1);
        byte[] next = new byte[PART_BYTES];
        hmac.doFinal(next, 0);
        System.arraycopy(next, 0, data, to * PART_BYTES, PART_BYTES);
        Secrets.wipe(next);
        hmac.reset();
    }

    /** Overwrites the ratchet bytes with zeros. */
    public void wipe() {
        Secrets.wipe(data);
    }

    @Override
    public String toString() {
        return "MegolmRatchet[index " + index() + "]";
    }
}
