package dev.starling.server.federation.keys;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.crypto.ServerKeysDocument;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.server.storage.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;

/**
 * Remote key documents in the database ({@code federation_server_keys}, one row per server), so a restart
 * does not refetch every key. A stored document is parsed and its self-signature checked again when read.
 */
public final class RemoteKeyStore {
    private final Database database;

    public RemoteKeyStore(Database database) {
        this.database = database;
    }

    /** Stores (or replaces) the document of {@code keys.document().serverName()}. */
    public void put(FetchedKeys keys) {
        String json = CanonicalJson.encodeToString(keys.signedJson());
        database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO federation_server_keys"
                    + " (server_name, key_json, valid_until_ts, fetched_ts) VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT (server_name) DO UPDATE SET key_json = excluded.key_json,"
                    + " valid_until_ts = excluded.valid_until_ts, fetched_ts = excluded.fetched_ts")) {
                s.setString(1, keys.document().serverName().value());
                s.setString(2, json);
                s.setLong(3, keys.document().validUntilTs());
                s.setLong(4, keys.fetchedTs());
                s.executeUpdate();
            }
            return null;
        });
    }

    /** The stored document of {@code server}, or empty (also when what is stored no longer verifies). */
    public Optional<FetchedKeys> get(ServerName server) {
        return database.read(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT key_json, fetched_ts FROM federation_server_keys WHERE server_name = ?")) {
                s.setString(1, server.value());
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return Optional.<FetchedKeys>empty();
                    }
                    ObjectNode json = CanonicalJson.parseObject(r.getString(1));
                    try {
                        return Optional.of(new FetchedKeys(ServerKeysDocument.parse(json, server), json, r.getLong(2)));
                    } catch (RuntimeException e) {
                        return Optional.<FetchedKeys>empty();
                    }
                }
            }
        });
    }
}
