package dev.starling.server.media;

import java.util.HexFormat;
import java.util.regex.Pattern;

/** The SHA-256 of a file's bytes as 64 lowercase hex digits: the only thing a media file's path is made of. */
record ContentHash(String hex) {
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    ContentHash {
        if (hex == null || !HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("not a SHA-256 in lowercase hex: " + hex);
        }
    }

    static ContentHash of(byte[] digest) {
        return new ContentHash(HexFormat.of().formatHex(digest));
    }

    @Override
    public String toString() {
        return hex;
    }
}
