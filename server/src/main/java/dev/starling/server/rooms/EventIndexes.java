package dev.starling.server.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.ServerName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The indexes derived from an event as it is stored, in the event's transaction: which event a redaction
 * redacts, the child → parent relation of {@code content.m.relates_to}, and the end of a "forgotten" room when
 * the user's membership changes again.
 */
final class EventIndexes {
    private EventIndexes() {}

    /** A child event's relationship (Client-Server API § Forming relationships between events). */
    record Relation(String relType, EventId parent) {}

    /** The event's {@code m.relates_to} with a string {@code rel_type} and a valid {@code event_id}, if any. */
    static Optional<Relation> relation(Pdu event) {
        JsonNode relatesTo = event.content().get("m.relates_to");
        if (relatesTo == null || !relatesTo.isObject()) {
            return Optional.empty();
        }
        JsonNode relType = relatesTo.get("rel_type");
        JsonNode parent = relatesTo.get("event_id");
        if (relType == null || !relType.isTextual() || parent == null || !parent.isTextual()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Relation(relType.textValue(), EventId.parse(parent.textValue())));
        } catch (InvalidIdentifierException e) {
            return Optional.empty(); // "Relationships which don't match the schema ... are simply ignored."
        }
    }

    /**
     * § Threading, validation of {@code m.thread}: a thread cannot start from an event that itself has an
     * {@code m.relates_to} (400 M_UNKNOWN, the spec names no code). A root this server does not have passes.
     */
    static void checkThread(Connection c, dev.starling.protocol.id.RoomId roomId, EventBuilder.Request request)
            throws SQLException {
        if (!mayStartThread(request)) {
            return;
        }
        JsonNode relatesTo = request.content().get("m.relates_to");
        Optional<StoredEvent> root = EventStore.event(c, relatesTo.path("event_id").textValue());
        if (root.isPresent() && root.get().pdu().roomId().equals(roomId)
                && root.get().pdu().content().has("m.relates_to")) {
            throw new dev.starling.server.http.MatrixException(dev.starling.server.http.ErrorCode.M_UNKNOWN,
                    "cannot start a thread from an event with a relation");
        }
    }

    /** Whether {@link #checkThread} has a thread root to read for this request (an {@code m.thread} relation). */
    static boolean mayStartThread(EventBuilder.Request request) {
        JsonNode relatesTo = request.content().get("m.relates_to");
        return relatesTo != null && "m.thread".equals(relatesTo.path("rel_type").asText(null))
                && relatesTo.path("event_id").isTextual();
    }

    /**
     * Indexes a stored event.
     *
     * @param onlyFrom for a redaction of an event not seen yet whose sender may not redact others' events: the
     *     server the redacted event's sender must be on for the redaction to apply (checked when served)
     */
    static void index(Connection c, Pdu event, long ordering, Optional<ServerName> onlyFrom) throws SQLException {
        String roomId = event.roomId().value();
        // Only a non-state m.room.redaction redacts: a state event of that type is not a redaction (and has
        // not been through Redactions.check).
        if (event.type().equals(EventTypes.REDACTION) && !event.isState() && event.redacts().isPresent()) {
            String redacts = event.redacts().get().value();
            RoomChanges.named(c, redacts, ordering);
            update(c, "INSERT INTO redactions (event_id, redacts, room_id, stream_ordering, target_server)"
                    + " VALUES (?, ?, ?, ?, ?)", event.eventId().value(), redacts, roomId, ordering,
                    onlyFrom.map(ServerName::value).orElse(null));
            // A redacted child loses its m.relates_to: the relationship is broken (§ Aggregations of child events).
            update(c, "DELETE FROM event_relations WHERE event_id = ? AND room_id = ?", redacts, roomId);
        }
        Optional<Relation> relation = relation(event);
        if (relation.isPresent() && BundledAggregations.BUNDLED.contains(relation.get().relType())) {
            // Even when the insert below is skipped (and with no position): a touch only ever costs a lookup.
            RoomChanges.named(c, relation.get().parent().value(), ordering);
        }
        if (relation.isPresent() && !redacted(c, event)) {
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO event_relations (event_id, relates_to, rel_type, room_id, type, sender, stream_ordering)
                    VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
                s.setString(1, event.eventId().value());
                s.setString(2, relation.get().parent().value());
                s.setString(3, relation.get().relType());
                s.setString(4, roomId);
                s.setString(5, event.type());
                s.setString(6, event.sender().value());
                s.setLong(7, ordering);
                s.executeUpdate();
            }
        }
        if (event.type().equals(EventTypes.MEMBER) && event.stateKey().isPresent()) {
            update(c, "DELETE FROM forgotten_rooms WHERE user_id = ? AND room_id = ?", event.stateKey().get(), roomId);
        }
    }

    /**
     * Whether a redaction that applies to the event was stored before it (possible once events come from
     * federation): one of its room, not limited to another server than the event's sender's.
     */
    private static boolean redacted(Connection c, Pdu event) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT target_server FROM redactions WHERE redacts = ? AND room_id = ?")) {
            s.setString(1, event.eventId().value());
            s.setString(2, event.roomId().value());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    if (ServedEvents.reaches(r.getString(1), event.sender())) {
                        return true;
                    }
                }
                return false;
            }
        }
    }

    private static void update(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                s.setObject(i + 1, values[i]);
            }
            s.executeUpdate();
        }
    }
}
