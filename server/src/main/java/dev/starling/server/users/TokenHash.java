package dev.starling.server.users;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The SHA-256 of an access token: the only form in which a token is stored or looked up. A stolen database
 * therefore holds no usable token, and looking a hash up in an index leaks nothing useful through timing
 * (an attacker controls the token, not its hash). {@link #toString()} shows no bytes.
 */
public final class TokenHash {
    public static final int LENGTH = 32;

    private final byte[] bytes;

    private TokenHash(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The hash of an access token as the client sends it. */
    public static TokenHash of(String accessToken) {
        try {
            // A clone of a prototype that is never updated skips getInstance's provider lookup on every request.
            return new TokenHash(((MessageDigest) SHA256.clone()).digest(accessToken.getBytes(StandardCharsets.UTF_8)));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 is cloneable", e);
        }
    }

    private static final MessageDigest SHA256 = newSha256();

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** A hash read back from storage; must be {@value #LENGTH} bytes. */
    public static TokenHash fromBytes(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a token hash has " + LENGTH + " bytes, got " + bytes.length);
        }
        return new TokenHash(bytes.clone());
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenHash other && MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "TokenHash[…]";
    }
}
