package dev.starling.server.rooms;

import java.nio.charset.StandardCharsets;

/**
 * A set of 64-bit fingerprints of transaction IDs ({@link KnownTxns}): open addressing over a {@code long[]}, 16
 * bytes per ID at most, against ~100 for a set of strings. Two IDs may share a fingerprint; a set that contains
 * one therefore says only "may have been used", which the caller checks against the store. Not thread-safe (a
 * scope's set is used under its room's lock).
 */
final class TxnFingerprints {
    /** 0 marks a free slot, so no fingerprint is 0. */
    private static final long FREE = 0;

    private long[] slots;
    private int size;

    TxnFingerprints(int expected) {
        int capacity = 16;
        while (capacity < expected * 2) {
            capacity <<= 1;
        }
        slots = new long[capacity];
    }

    /** The fingerprint of a transaction ID: FNV-1a over its UTF-8 bytes, then a 64-bit finalizer; never 0. */
    static long of(String txnId) {
        long h = 0xcbf29ce484222325L;
        for (byte b : txnId.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h == FREE ? 1 : h;
    }

    boolean contains(long fingerprint) {
        int mask = slots.length - 1;
        for (int i = (int) fingerprint & mask; ; i = (i + 1) & mask) {
            long slot = slots[i];
            if (slot == fingerprint) {
                return true;
            }
            if (slot == FREE) {
                return false;
            }
        }
    }

    /** Adds {@code fingerprint}; false when it was there already. */
    boolean add(long fingerprint) {
        if ((size + 1) * 2 > slots.length) {
            grow();
        }
        if (!insert(slots, fingerprint)) {
            return false;
        }
        size++;
        return true;
    }

    int size() {
        return size;
    }

    private static boolean insert(long[] into, long fingerprint) {
        int mask = into.length - 1;
        for (int i = (int) fingerprint & mask; ; i = (i + 1) & mask) {
            long slot = into[i];
            if (slot == fingerprint) {
                return false;
            }
            if (slot == FREE) {
                into[i] = fingerprint;
                return true;
            }
        }
    }

    private void grow() {
        long[] bigger = new long[slots.length * 2];
        for (long slot : slots) {
            if (slot != FREE) {
                insert(bigger, slot);
            }
        }
        slots = bigger;
    }
}
