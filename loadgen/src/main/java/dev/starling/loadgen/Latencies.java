package dev.starling.loadgen;

import java.util.Arrays;

/** Recorded durations in nanoseconds, appended from many threads; percentiles by sorting at the end. */
final class Latencies {
    private long[] values = new long[1 << 16];
    private int size;

    synchronized void add(long nanos) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = nanos;
    }

    synchronized int count() {
        return size;
    }

    /** The {@code p}-th percentile (0 < p <= 100) in milliseconds, or NaN when nothing was recorded. */
    synchronized double percentileMillis(double p) {
        if (size == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * size) - 1;
        return sorted[Math.max(0, Math.min(size - 1, index))] / 1e6;
    }

    String summary() {
        return String.format("p50 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d)",
                percentileMillis(50), percentileMillis(99), percentileMillis(100), count());
    }
}
