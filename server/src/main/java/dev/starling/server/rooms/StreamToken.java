package dev.starling.server.rooms;

import dev.starling.server.http.MatrixException;

/**
 * A position in the global event stream, as clients see it: {@code s<position>}, used for /messages'
 * {@code from}/{@code to}/{@code prev_batch}. Opaque to clients; an event belongs "before" a token when its
 * stream ordering is at most the position. A /sync {@code next_batch} ({@code s<position>_<ephemeral>}, see
 * {@code sync.SyncToken}) is accepted too: its ephemeral part does not matter to room history.
 */
public record StreamToken(long position) {
    public StreamToken {
        if (position < 0) {
            throw new IllegalArgumentException("negative stream position");
        }
    }

    /** Parses a token a client sent back; anything else is 400 M_INVALID_PARAM naming {@code param}. */
    public static StreamToken parse(String param, String token) {
        int underscore = token.indexOf('_');
        String position = underscore < 0 ? token : token.substring(0, underscore);
        if (position.length() < 2 || position.length() > 19 || position.charAt(0) != 's'
                || !digits(position.substring(1))
                || (underscore >= 0 && (token.length() - underscore > 19 || !digits(token.substring(underscore + 1))))) {
            throw MatrixException.invalidParam(param, "not a token this server gave out");
        }
        return new StreamToken(Long.parseLong(position.substring(1)));
    }

    private static boolean digits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "s" + position;
    }
}
