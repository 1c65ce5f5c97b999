package dev.starling.mesh.routing;

/** 16-bit sequence numbers compared modulo 2^16, as in RFC 8966 section 3.2.1. */
final class Seqno {
    private Seqno() {}

    /** Whether {@code a} is strictly newer than {@code b} (modulo 2^16). */
    static boolean newer(int a, int b) {
        int d = (a - b) & 0xFFFF;
        return d != 0 && d < 0x8000;
    }

    static int next(int s) {
        return (s + 1) & 0xFFFF;
    }
}
