package dev.starling.server.rooms;

import dev.starling.protocol.id.DeviceId;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The transaction IDs each (device, room) may have used, so that a send with a new transaction ID — nearly
 * every send — needs no read of {@code txn_ids} (Client-Server API § Transaction identifiers). Per scope (a
 * {@link TxnKey} without its ID) the 64-bit fingerprints of its IDs ({@link TxnFingerprints}) are loaded from the
 * store once, lazily; every send that queues a transaction adds its ID's before it is queued. The set is
 * therefore a superset of the IDs stored for the scope: an ID whose fingerprint is not in it is certainly new,
 * and one whose fingerprint is in it (used before, or a collision) is looked up as before (sends still queued,
 * then {@code txn_ids}). A failed send leaves its ID behind, which costs that lookup, never a wrong answer.
 *
 * <p>Exact across restarts because the sets start empty and are loaded from the store. A scope is used only
 * under its room's lock ({@link RoomLocks}; the room is part of the scope), which orders its load, checks and
 * additions. A scope with more than {@code maxPerScope} stored IDs is not kept (its sends read the store as
 * before). When more than {@code maxIds} fingerprints are held, the scopes used least recently are dropped until
 * three quarters of that remain (a dropped scope loads again when next used; dropping whole sets at once, as
 * before 2026-11-24, had 100 busy devices reload every set every few hundred sends). Thread-safe.
 */
final class KnownTxns {
    /** Stored IDs of one scope beyond which it is not kept in memory. */
    static final int MAX_PER_SCOPE = 20_000;
    /** Fingerprints held in all: at most ~8 MB (16 bytes each at half load). */
    static final int MAX_IDS = 500_000;

    private record Scope(UserId user, DeviceId device, RoomId room) {
        static Scope of(TxnKey key) {
            return new Scope(key.user(), key.device(), key.room());
        }
    }

    /** The fingerprints of the IDs a scope may have used; {@code null}: too many to keep, always look up. */
    private static final class Ids {
        final TxnFingerprints fingerprints;
        volatile long lastUsed;

        Ids(TxnFingerprints fingerprints, long lastUsed) {
            this.fingerprints = fingerprints;
            this.lastUsed = lastUsed;
        }

        int held() {
            return fingerprints == null ? 1 : fingerprints.size();
        }
    }

    private final int maxPerScope;
    private final int maxIds;
    private final ConcurrentHashMap<Scope, Ids> scopes = new ConcurrentHashMap<>();
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicLong clock = new AtomicLong();

    KnownTxns() {
        this(MAX_PER_SCOPE, MAX_IDS);
    }

    KnownTxns(int maxPerScope, int maxIds) {
        this.maxPerScope = maxPerScope;
        this.maxIds = maxIds;
    }

    /**
     * Under the room's lock: false when {@code key}'s ID is certainly new (no send queued or stored it); true
     * when it may have been used, or when the scope is not loaded yet ({@link #load} then decides).
     */
    boolean mayHaveBeenUsed(TxnKey key) {
        Ids ids = scopes.get(Scope.of(key));
        if (ids == null) {
            return true;
        }
        ids.lastUsed = clock.incrementAndGet();
        return ids.fingerprints == null || ids.fingerprints.contains(TxnFingerprints.of(key.txnId()));
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
        List<String> stored = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT txn_id FROM txn_ids WHERE user_id = ? AND device_id = ?"
                + " AND room_id = ? LIMIT " + (maxPerScope + 1))) {
            s.setString(1, key.user().value());
            s.setString(2, key.device().value());
            s.setString(3, key.room().value());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    stored.add(r.getString(1));
                }
            }
        }
        load(key, pending, stored);
    }

    /** As {@link #load(Connection, TxnKey, Collection)}, with the scope's stored IDs read already. */
    void load(TxnKey key, Collection<TxnKey> pending, Collection<String> stored) {
        Scope scope = Scope.of(key);
        TxnFingerprints fingerprints = null;
        if (stored.size() <= maxPerScope) {
            fingerprints = new TxnFingerprints(stored.size());
            for (String id : stored) {
                fingerprints.add(TxnFingerprints.of(id));
            }
            for (TxnKey queued : pending) {
                if (Scope.of(queued).equals(scope)) {
                    fingerprints.add(TxnFingerprints.of(queued.txnId()));
                }
            }
        }
        Ids ids = new Ids(fingerprints, clock.incrementAndGet());
        Ids before = scopes.put(scope, ids);
        count(ids.held() - (before == null ? 0 : before.held()));
    }

    /** Under the room's lock, before the send of {@code key} is queued: its ID has now been used. */
    void used(TxnKey key) {
        Ids ids = scopes.get(Scope.of(key));
        if (ids != null && ids.fingerprints != null && ids.fingerprints.add(TxnFingerprints.of(key.txnId()))) {
            count(1);
        }
    }

    /** Fingerprints held (tests). */
    int size() {
        return held.get();
    }

    private void count(int added) {
        if (held.addAndGet(added) > maxIds) {
            dropLeastRecentlyUsed();
        }
    }

    /**
     * Drops the scopes used least recently until at most three quarters of {@code maxIds} remain. Always safe: a
     * scope not loaded is loaded again (or looked up) when next used, and a scope's set changes only under its
     * room's lock, which a send holds from its check to its {@link #used} (a set dropped in between only misses
     * an addition the reload then finds among the pending sends or in the store).
     */
    private synchronized void dropLeastRecentlyUsed() {
        if (held.get() <= maxIds) {
            return;
        }
        // Taken once: sends go on using the sets (and their times) while they are sorted.
        record Used(Scope scope, Ids ids, long lastUsed, int held) {}
        List<Used> byUse = new ArrayList<>();
        long remaining = 0; // counted afresh: an addition to a set being dropped is not counted twice
        for (Map.Entry<Scope, Ids> entry : scopes.entrySet()) {
            Ids ids = entry.getValue();
            Used used = new Used(entry.getKey(), ids, ids.lastUsed, ids.held());
            byUse.add(used);
            remaining += used.held();
        }
        byUse.sort(Comparator.comparingLong(Used::lastUsed));
        int target = maxIds / 4 * 3;
        for (Used used : byUse) {
            if (remaining <= target) {
                break;
            }
            if (scopes.remove(used.scope(), used.ids())) {
                remaining -= used.held();
            }
        }
        held.set((int) remaining);
    }
}
