package dev.starling.server.sync;

import dev.starling.server.rooms.StreamToken;

/**
 * A /sync {@code since}/{@code next_batch} token: {@code s<position>_<ephemeral>}. {@code position} is the
 * global stream position (every persistent stream: room events, to-device, receipts, account data, device
 * lists — see {@code storage.StreamPositions}); {@code ephemeral} the position of the in-memory
 * {@link EphemeralStream} (typing). Opaque to clients. A bare {@code s<position>} (a /messages token) reads as
 * ephemeral position 0.
 */
public record SyncToken(long position, long ephemeral) {
    public SyncToken {
        if (position < 0 || ephemeral < 0) {
            throw new IllegalArgumentException("negative stream position");
        }
    }

    /** Parses a token a client sent back; anything else is 400 M_INVALID_PARAM naming {@code param}. */
    public static SyncToken parse(String param, String token) {
        long position = StreamToken.parse(param, token).position();
        int underscore = token.indexOf('_');
        long ephemeral = underscore < 0 ? 0 : Long.parseLong(token.substring(underscore + 1));
        return new SyncToken(position, ephemeral);
    }

    @Override
    public String toString() {
        return "s" + position + "_" + ephemeral;
    }
}
