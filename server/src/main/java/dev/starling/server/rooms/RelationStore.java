package dev.starling.server.rooms;

import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Queries over the {@code event_relations} index, for the relationships API and the thread list. */
final class RelationStore {
    /** At most this many children are read per parent and level, so one request stays bounded. */
    static final int MAX_CHILDREN = 10_000;

    private RelationStore() {}

    record Child(String eventId, long ordering) {}

    record Thread(String rootId, long latest) {}

    /**
     * The children of {@code parent} in the room (with {@code relType} and {@code eventType} when given), and
     * with {@code depth > 1} their matching children in turn, down to {@code depth} levels; oldest first.
     * Recursion goes only through matching events, as § Relationships API requires.
     */
    static List<Child> descendants(Connection c, RoomId roomId, String parent, Optional<String> relType,
            Optional<String> eventType, int depth) throws SQLException {
        List<Child> all = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        seen.add(parent);
        List<String> level = List.of(parent);
        for (int d = 0; d < depth && !level.isEmpty(); d++) {
            List<String> next = new ArrayList<>();
            for (String id : level) {
                for (Child child : children(c, roomId, id, relType, eventType)) {
                    if (seen.add(child.eventId())) {
                        all.add(child);
                        next.add(child.eventId());
                    }
                }
            }
            level = next;
        }
        all.sort(Comparator.comparingLong(Child::ordering));
        return all;
    }

    private static List<Child> children(Connection c, RoomId roomId, String parent, Optional<String> relType,
            Optional<String> eventType) throws SQLException {
        List<Child> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT event_id, stream_ordering FROM event_relations"
                + " WHERE relates_to = ? AND room_id = ?" + (relType.isPresent() ? " AND rel_type = ?" : "")
                + (eventType.isPresent() ? " AND type = ?" : "") + " ORDER BY stream_ordering LIMIT ?")) {
            int i = 1;
            s.setString(i++, parent);
            s.setString(i++, roomId.value());
            if (relType.isPresent()) {
                s.setString(i++, relType.get());
            }
            if (eventType.isPresent()) {
                s.setString(i++, eventType.get());
            }
            s.setInt(i, MAX_CHILDREN);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new Child(r.getString(1), r.getLong(2)));
                }
            }
        }
        return out;
    }

    /**
     * Thread roots of the room by latest reply, newest first, whose latest reply is at or below
     * {@code maxLatest}; with {@code participant}, only threads that user started or replied to.
     */
    static List<Thread> threads(Connection c, RoomId roomId, long maxLatest, Optional<UserId> participant, int limit)
            throws SQLException {
        List<Thread> out = new ArrayList<>();
        String participated = participant.isEmpty() ? "" : " AND (SUM(CASE WHEN sender = ? THEN 1 ELSE 0 END) > 0"
                + " OR relates_to IN (SELECT event_id FROM events WHERE room_id = ? AND sender = ?))";
        try (PreparedStatement s = c.prepareStatement("SELECT relates_to, MAX(stream_ordering) AS latest"
                + " FROM event_relations WHERE room_id = ? AND rel_type = ? GROUP BY relates_to"
                + " HAVING MAX(stream_ordering) <= ?" + participated + " ORDER BY latest DESC LIMIT ?")) {
            int i = 1;
            s.setString(i++, roomId.value());
            s.setString(i++, BundledAggregations.THREAD);
            s.setLong(i++, maxLatest);
            if (participant.isPresent()) {
                s.setString(i++, participant.get().value());
                s.setString(i++, roomId.value());
                s.setString(i++, participant.get().value());
            }
            s.setInt(i, limit);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new Thread(r.getString(1), r.getLong(2)));
                }
            }
        }
        return Collections.unmodifiableList(out);
    }
}
