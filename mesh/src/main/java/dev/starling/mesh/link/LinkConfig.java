package dev.starling.mesh.link;

import java.time.Duration;

/**
 * Limits and timers of links, with documented defaults ({@link #defaults()}).
 *
 * @param maxPayload largest DATA payload accepted or sent (default and ceiling {@link Frame#MAX_BODY})
 * @param keepaliveInterval a KEEPALIVE is sent when nothing else was sent for this long (default 5 s)
 * @param deadTimeout a link on which nothing arrived for this long is closed as dead (default 15 s)
 * @param handshakeTimeout the whole handshake must finish within this (default 5 s)
 * @param maxPendingHandshakes inbound handshakes in progress at once; more connections are refused (default 32)
 */
public record LinkConfig(int maxPayload, Duration keepaliveInterval, Duration deadTimeout,
                         Duration handshakeTimeout, int maxPendingHandshakes) {
    public LinkConfig {
        if (maxPayload < 1 || maxPayload > Frame.MAX_BODY) {
            throw new IllegalArgumentException("maxPayload must be 1.." + Frame.MAX_BODY);
        }
        if (keepaliveInterval.isNegative() || keepaliveInterval.isZero()
                || deadTimeout.compareTo(keepaliveInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("deadTimeout must be at least twice keepaliveInterval");
        }
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero() || maxPendingHandshakes < 1) {
            throw new IllegalArgumentException("handshakeTimeout and maxPendingHandshakes must be positive");
        }
    }

    public static LinkConfig defaults() {
        return new LinkConfig(Frame.MAX_BODY, Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(5), 32);
    }

    public LinkConfig withMaxPayload(int bytes) {
        return new LinkConfig(bytes, keepaliveInterval, deadTimeout, handshakeTimeout, maxPendingHandshakes);
    }

    public LinkConfig withTimers(Duration keepalive, Duration dead) {
        return new LinkConfig(maxPayload, keepalive, dead, handshakeTimeout, maxPendingHandshakes);
    }

    public LinkConfig withHandshakeTimeout(Duration timeout) {
        return new LinkConfig(maxPayload, keepaliveInterval, deadTimeout, timeout, maxPendingHandshakes);
    }
}
