package dev.starling.server.rooms;

import dev.starling.protocol.id.DeviceId;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The transaction IDs each (device, room) may have used, so that a send with a new transaction ID — nearly
 * every send — needs no read of {@code txn_ids} (Client-Server API § Transaction identifiers). Per scope (a
 * {@link TxnKey} without its ID) a set is loaded from the store once, lazily; every send that queues a
 * transaction adds its ID before it is queued. The set is therefore a superset of the IDs stored for the
 * scope: an ID not in it is certainly new, and an ID in it is looked up as before (sends still queued, then
 * {@code txn_ids}). A failed send leaves its ID behind, which costs that lookup, never a wrong answer.
 *
 * <p>Exact across restarts because the sets start empty and are loaded from the store. A scope is used only
 * under its room's lock ({@link RoomLocks}; the room is part of the scope), which orders its load, checks and
 * additions. A scope with more than {@link #MAX_PER_SCOPE} stored IDs is not kept (its sends read the store as
 * before); all scopes are dropped when {@link #MAX_IDS} IDs are held, and load again when used. Thread-safe.
 */
final class KnownTxns {
    /** Stored IDs of one scope beyond which it is not kept in memory. */
    static final int MAX_PER_SCOPE = 1_000;
    /** IDs held in all (a few megabytes); every scope is dropped when there are more. */
    static final int MAX_IDS = 50_000;

    private record Scope(UserId user, DeviceId device, RoomId room) {
        static Scope of(TxnKey key) {
            return new Scope(key.user(), key.device(), key.room());
        }
    }

    /** The IDs a scope may have used; {@code null} ids: too many to keep, always look up. */
    private static final class Ids {
        final Set<String> ids;

        Ids(Set<String> ids) {
            this.ids = ids;
        }
    }

    private final ConcurrentHashMap<Scope, Ids> scopes = new ConcurrentHashMap<>();
    private final AtomicInteger held = new AtomicInteger();

    /**
     * Under the room's lock: false when {@code key}'s ID is certainly new (no send queued or stored it); true
     * when it may have been used, or when the scope is not loaded yet ({@link #load} then decides).
     */
    boolean mayHaveBeenUsed(TxnKey key) {
        Ids ids = scopes.get(Scope.of(key));
        return ids == null || ids.ids == null || ids.ids.contains(key.txnId());
    }

    /** Under the room's lock: whether {@code key}'s scope is loaded (then {@link #mayHaveBeenUsed} is final). */
    boolean loaded(TxnKey key) {
        return scopes.containsKey(Scope.of(key));
    }

    /**
     * Under the room's lock, in a read of the store: loads {@code key}'s scope from the sends still queued
     * ({@code pending}, taken first: a send that leaves it has committed, so the read that follows sees its row)
     * and the store.
     */
    void load(Connection c, TxnKey key, Collection<TxnKey> pending) throws SQLException {
        Scope scope = Scope.of(key);
        Set<String> ids = new HashSet<>();
        for (TxnKey queued : pending) {
            if (Scope.of(queued).equals(scope)) {
                ids.add(queued.txnId());
            }
        }
        try (PreparedStatement s = c.prepareStatement("SELECT txn_id FROM txn_ids WHERE user_id = ? AND device_id = ?"
                + " AND room_id = ? LIMIT " + (MAX_PER_SCOPE + 1))) {
            s.setString(1, key.user().value());
            s.setString(2, key.device().value());
            s.setString(3, key.room().value());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    ids.add(r.getString(1));
                }
            }
        }
        boolean keep = ids.size() <= MAX_PER_SCOPE;
        put(scope, new Ids(keep ? ids : null), keep ? ids.size() : 1);
    }

    /** Under the room's lock, before the send of {@code key} is queued: its ID has now been used. */
    void used(TxnKey key) {
        Ids ids = scopes.get(Scope.of(key));
        if (ids != null && ids.ids != null && ids.ids.add(key.txnId())) {
            count(1);
        }
    }

    /** IDs held (tests). */
    int size() {
        return held.get();
    }

    private void put(Scope scope, Ids ids, int count) {
        scopes.put(scope, ids);
        count(count);
    }

    private void count(int added) {
        if (held.addAndGet(added) > MAX_IDS) {
            // Dropping is always safe: a scope not loaded is loaded again (or looked up) when next used.
            scopes.clear();
            held.set(0);
        }
    }
}
