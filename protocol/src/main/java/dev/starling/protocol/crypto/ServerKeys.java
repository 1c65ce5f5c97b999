package dev.starling.protocol.crypto;

import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.id.ServerName;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The verify keys known for one server, each with its validity, as assembled from key documents and caches.
 * A value: build a new one to add keys.
 */
public record ServerKeys(ServerName server, Map<KeyId, VerifyKeyWithExpiry> keys) {
    public ServerKeys {
        Objects.requireNonNull(server, "server");
        keys = Map.copyOf(keys);
        keys.forEach((id, key) -> {
            if (!id.equals(key.key().keyId())) {
                throw new IllegalArgumentException("key stored under " + id + " has key ID " + key.key().keyId());
            }
        });
    }

    /** Keys for a server, each valid until the given time. */
    public static ServerKeys of(ServerName server, VerifyKeyWithExpiry... keys) {
        Map<KeyId, VerifyKeyWithExpiry> map = new HashMap<>();
        for (VerifyKeyWithExpiry key : keys) {
            if (map.put(key.key().keyId(), key) != null) {
                throw new IllegalArgumentException("duplicate key ID " + key.key().keyId());
            }
        }
        return new ServerKeys(server, map);
    }

    public Optional<VerifyKeyWithExpiry> find(KeyId keyId) {
        return Optional.ofNullable(keys.get(keyId));
    }
}
