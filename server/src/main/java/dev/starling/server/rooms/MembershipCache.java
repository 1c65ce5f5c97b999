package dev.starling.server.rooms;

import dev.starling.protocol.id.UserId;
import dev.starling.server.storage.StreamChanges;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each user's memberships as of a stream position ({@link StreamStore#memberships}), kept from the last read:
 * still those as of a later position {@code pos} while no member event targeting the user was stored after the
 * read one ({@link RoomChanges#member} unchanged), so a /sync whose user's memberships did not change reads none.
 * At most {@value #MAX_USERS} users are kept (then all are dropped). Empty after a restart. Thread-safe.
 */
final class MembershipCache {
    static final int MAX_USERS = 100_000;

    private record Known(List<StreamStore.MembershipAt> memberships, long at) {}

    private final StreamChanges changes;
    private final ConcurrentHashMap<String, Known> known = new ConcurrentHashMap<>();

    MembershipCache(StreamChanges changes) {
        this.changes = changes;
    }

    /** The memberships as of {@code pos} if known without a read. */
    Optional<List<StreamStore.MembershipAt>> cached(UserId user, long pos) {
        Known k = known.get(user.value());
        if (k == null || !changes.unchangedSince(RoomChanges.member(user), Math.min(k.at(), pos))) {
            return Optional.empty();
        }
        return Optional.of(k.memberships());
    }

    /** The memberships as of {@code pos} ({@code pos} committed and visible to {@code c}). */
    List<StreamStore.MembershipAt> memberships(Connection c, UserId user, long pos) throws SQLException {
        Optional<List<StreamStore.MembershipAt>> cached = cached(user, pos);
        if (cached.isPresent()) {
            return cached.get();
        }
        List<StreamStore.MembershipAt> read = List.copyOf(StreamStore.memberships(c, user, pos));
        if (known.size() > MAX_USERS) {
            known.clear();
        }
        known.merge(user.value(), new Known(read, pos), (old, now) -> now.at() >= old.at() ? now : old);
        return read;
    }
}
