package dev.starling.server.rooms;

import dev.starling.server.http.MatrixException;

/**
 * A position in the global event stream, as clients see it: {@code s<position>}, used for /sync's
 * {@code since}/{@code next_batch} and for /messages' {@code from}/{@code to}/{@code prev_batch}. Opaque to
 * clients; an event belongs "before" a token when its stream ordering is at most the position.
 */
public record StreamToken(long position) {
    public StreamToken {
        if (position < 0) {
            throw new IllegalArgumentException("negative stream position");
        }
    }

    /** Parses a token a client sent back; anything else is 400 M_INVALID_PARAM naming {@code param}. */
    public static StreamToken parse(String param, String token) {
        if (token.length() < 2 || token.length() > 20 || token.charAt(0) != 's') {
            throw MatrixException.invalidParam(param, "not a token this server gave out");
        }
        for (int i = 1; i < token.length(); i++) {
            if (token.charAt(i) < '0' || token.charAt(i) > '9') {
                throw MatrixException.invalidParam(param, "not a token this server gave out");
            }
        }
        return new StreamToken(Long.parseLong(token.substring(1)));
    }

    @Override
    public String toString() {
        return "s" + position;
    }
}
