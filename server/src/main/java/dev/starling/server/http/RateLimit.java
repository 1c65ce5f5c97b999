package dev.starling.server.http;

/**
 * Every named rate limit, with its default. A route lists the limits it takes a token from
 * ({@link Route#rateLimited}); the key is the user for an authenticated request and the client IP
 * otherwise. Operators override a default through {@link RateLimiter}'s configuration. The defaults follow
 * Synapse's long-tested ones, so that clients tuned against it behave the same here.
 */
public enum RateLimit {
    /** Sending events into rooms ({@code /send}, {@code /state} PUT, {@code /redact}). Synapse rc_message. */
    MESSAGES(new Rate(0.2, 10)),
    /** Login attempts per client IP. Synapse rc_login.address. */
    LOGIN(new Rate(0.17, 3)),
    /** Failed logins per account, against password guessing. Synapse rc_login.failed_attempts. */
    LOGIN_FAILURES(new Rate(0.17, 3)),
    /** Account registration per client IP. Synapse rc_registration. */
    REGISTRATION(new Rate(0.17, 3)),
    /** Joining rooms. Synapse rc_joins.local. */
    JOINS(new Rate(0.1, 10)),
    /** Sending invites. Synapse rc_invites.per_user. */
    INVITES(new Rate(0.3, 10)),
    /** Media uploads. */
    MEDIA_UPLOADS(new Rate(1, 10));

    private final Rate defaultRate;

    RateLimit(Rate defaultRate) {
        this.defaultRate = defaultRate;
    }

    public Rate defaultRate() {
        return defaultRate;
    }
}
