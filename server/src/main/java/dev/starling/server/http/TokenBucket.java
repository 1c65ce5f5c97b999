package dev.starling.server.http;

/** One token bucket; starts full. Synchronized: two requests of one user may race. */
final class TokenBucket {
    private final double perNano;
    private final int burst;
    private double tokens;
    private long updatedNanos;

    TokenBucket(Rate rate, long nowNanos) {
        this.perNano = rate.perSecond() / 1e9;
        this.burst = rate.burst();
        this.tokens = burst;
        this.updatedNanos = nowNanos;
    }

    /** Takes a token and returns 0, or takes nothing and returns the nanoseconds until a token is there. */
    synchronized long tryTake(long nowNanos) {
        refill(nowNanos);
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - tokens) / perNano));
    }

    synchronized boolean isFull(long nowNanos) {
        refill(nowNanos);
        return tokens >= burst;
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - updatedNanos;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * perNano);
            updatedNanos = nowNanos;
        }
    }
}
