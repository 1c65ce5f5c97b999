package dev.starling.protocol.auth;

import dev.starling.protocol.ProtocolException;

/**
 * An event that the authorization rules reject (spec: Server-Server API / Room Versions, "Authorization
 * rules"). {@link #rule()} names the rule, so tests and logs can tell rejections apart; the Matrix error for
 * a client is {@code M_FORBIDDEN}.
 */
public final class AuthException extends ProtocolException {
    private static final long serialVersionUID = 1L;
    private final AuthRule rule;

    public AuthException(AuthRule rule, String detail) {
        super(rule + ": " + detail);
        this.rule = rule;
    }

    public AuthRule rule() {
        return rule;
    }
}
