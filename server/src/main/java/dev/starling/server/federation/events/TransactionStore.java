package dev.starling.server.federation.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.server.storage.Database;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;

/**
 * Inbound transactions already answered (table {@code federation_inbound_txns}, migration V11): a replay of
 * {@code (origin, txnId)} gets the first answer and is not processed again (Server-Server API § Transactions:
 * "the receiving server ... should deduplicate"; SECURITY.md item 19).
 */
final class TransactionStore {
    private final Database db;

    TransactionStore(Database db) {
        this.db = db;
    }

    Optional<ObjectNode> answer(ServerName origin, String txnId) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT response FROM federation_inbound_txns WHERE origin = ? AND txn_id = ?")) {
                s.setString(1, origin.value());
                s.setString(2, txnId);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(CanonicalJson.parseObject(
                            r.getString(1).getBytes(StandardCharsets.UTF_8))) : Optional.empty();
                }
            }
        });
    }

    void remember(ServerName origin, String txnId, ObjectNode answer, long nowMillis) {
        db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO federation_inbound_txns (origin, txn_id, response, received_ts) VALUES (?, ?, ?, ?)
                    ON CONFLICT (origin, txn_id) DO NOTHING""")) {
                s.setString(1, origin.value());
                s.setString(2, txnId);
                s.setString(3, new String(CanonicalJson.encode(answer), StandardCharsets.UTF_8));
                s.setLong(4, nowMillis);
                s.executeUpdate();
            }
            return null;
        });
    }
}
