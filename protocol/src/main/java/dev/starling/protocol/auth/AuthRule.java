package dev.starling.protocol.auth;

/** The authorization rule an event broke (see {@link AuthException}). */
public enum AuthRule {
    CREATE,
    AUTH_EVENTS,
    MEMBERSHIP,
    POWER_LEVELS,
    SENDER_NOT_JOINED,
    INSUFFICIENT_POWER,
    REDACTION,
    THIRD_PARTY_INVITE
}
