package dev.starling.server.media;

import dev.starling.server.http.MatrixException;
import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * The media ID of an {@code mxc://} URI. Client-Server API § Matrix Content (mxc://) URIs: only
 * {@code A-Za-z0-9}, {@code _} and {@code -}. An allow-list rather than refusing {@code .} and {@code /}: no
 * percent-encoded, UTF-8 or backslash traversal can get through it. IDs are never used to build paths anyway
 * (files are named by their content hash).
 */
public record MediaId(String value) {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1,255}");
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    /** 24 characters of 62: 142 bits, not guessable. */
    private static final int LENGTH = 24;

    public MediaId {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new IllegalArgumentException("not a media ID");
        }
    }

    /** A new random media ID. */
    public static MediaId random(SecureRandom random) {
        StringBuilder id = new StringBuilder(LENGTH);
        for (int i = 0; i < LENGTH; i++) {
            id.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return new MediaId(id.toString());
    }

    /**
     * The media ID of a request path. Spec: a malformed one is not an ID this server issued, so the answer is
     * 404 M_NOT_FOUND, the same as for an unknown one (Synapse answers 404 too).
     */
    static MediaId fromPath(String value) {
        if (value == null || !VALID.matcher(value).matches()) {
            throw MatrixException.notFound("media not found");
        }
        return new MediaId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
