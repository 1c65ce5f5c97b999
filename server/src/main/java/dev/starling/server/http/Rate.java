package dev.starling.server.http;

/**
 * A token-bucket rate: {@code burst} requests at once, refilled at {@code perSecond} requests per second.
 */
public record Rate(double perSecond, int burst) {
    public Rate {
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("perSecond is a positive finite number, got " + perSecond);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst is at least 1, got " + burst);
        }
    }
}
