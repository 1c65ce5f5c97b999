package dev.starling.server.users;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Issues access tokens: 32 random bytes, sent to the client once and stored only as their {@link TokenHash}
 * (SECURITY item 24).
 */
public final class AccessTokens {
    /** Prefix of every token Starling issues, so that a leaked one is recognisable by secret scanners. */
    public static final String PREFIX = "stt_";
    private static final int TOKEN_BYTES = 32;
    private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();

    private final SecureRandom random;

    public AccessTokens(SecureRandom random) {
        this.random = random;
    }

    /** A new random token to hand to a client. */
    public String generate() {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        return PREFIX + URL_SAFE.encodeToString(bytes);
    }
}
