package dev.starling.server.users;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Access tokens: 32 random bytes, sent to the client once and stored only as their SHA-256 (SECURITY item 24),
 * so a leaked database does not leak usable tokens. Looking a token up by its hash is a database index lookup,
 * which does not depend on how many leading bytes of a guess match, so no separate constant-time compare is
 * needed on that path.
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

    /** What is stored for a token: its SHA-256 as unpadded URL-safe base64. */
    public static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return URL_SAFE.encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always provides SHA-256", e);
        }
    }
}
