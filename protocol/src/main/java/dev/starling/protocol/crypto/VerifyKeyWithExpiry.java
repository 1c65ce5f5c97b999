package dev.starling.protocol.crypto;

import java.util.Objects;

/**
 * A server's verify key and the last moment (ms since the epoch) it may have signed an event: the
 * {@code valid_until_ts} of the key document it came from (capped, see {@link ServerKeysDocument}), or the
 * {@code expired_ts} of an old key. Room versions 5 and later require that this is at least the event's
 * {@code origin_server_ts} (spec: rooms v5 "Signing key validity period").
 */
public record VerifyKeyWithExpiry(VerifyKey key, long validUntilTs) {
    public VerifyKeyWithExpiry {
        Objects.requireNonNull(key, "key");
    }

    /** True when the key may have signed something at {@code timestamp}. */
    public boolean validAt(long timestamp) {
        return timestamp <= validUntilTs;
    }
}
