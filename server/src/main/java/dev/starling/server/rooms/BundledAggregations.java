package dev.starling.server.rooms;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.Pdu;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Bundled aggregations (Client-Server API § Aggregations of child events), under {@code unsigned.m.relations}
 * of a served event: {@code m.replace} — the most recent valid replacement (§ Event replacements, v1.7+
 * format: the whole event); {@code m.thread} — {@code latest_event}, {@code count},
 * {@code current_user_participated} (§ Threading); {@code m.reference} — a {@code chunk} of event IDs
 * (§ Reference relations). Annotations are not bundled (they were removed from the spec's bundles in v1.7).
 * State events get none. Child events the viewer may not see are left out of the replacement, the latest
 * thread event and the references; the thread count is approximate, as the spec allows.
 */
final class BundledAggregations {
    static final String REPLACE = "m.replace";
    static final String THREAD = "m.thread";
    static final String REFERENCE = "m.reference";
    /** The relation types bundled; other children (annotations) never change a served event. */
    static final Set<String> BUNDLED = Set.of(REPLACE, THREAD, REFERENCE);

    private BundledAggregations() {}

    private record Child(String eventId, String relType, String sender, String roomId, long ordering) {}

    /** The {@code m.relations} object per event ID, for the events that have any. */
    static Map<String, ObjectNode> of(Connection c, ServedEvents.Viewer viewer, List<Pdu> events, Set<String> redacted)
            throws SQLException {
        Map<String, Pdu> parents = new HashMap<>();
        for (Pdu event : events) {
            if (!event.isState()) {
                parents.put(event.eventId().value(), event);
            }
        }
        if (parents.isEmpty()) {
            return Map.of();
        }
        Map<String, List<Child>> children = children(c, List.copyOf(parents.keySet()));
        Map<String, ObjectNode> out = new HashMap<>();
        for (Map.Entry<String, List<Child>> entry : children.entrySet()) {
            Pdu parent = parents.get(entry.getKey());
            List<Child> sameRoom = entry.getValue().stream()
                    .filter(child -> child.roomId().equals(parent.roomId().value())).toList();
            ObjectNode relations = JsonNodeFactory.instance.objectNode();
            if (!redacted.contains(entry.getKey())) {
                replacement(c, viewer, parent, sameRoom).ifPresent(edit -> relations.set(REPLACE, edit));
            }
            thread(c, viewer, parent, sameRoom).ifPresent(thread -> relations.set(THREAD, thread));
            references(c, viewer, sameRoom).ifPresent(refs -> relations.set(REFERENCE, refs));
            if (!relations.isEmpty()) {
                out.put(entry.getKey(), relations);
            }
        }
        return out;
    }

    /**
     * § Validity of replacement events: same sender, same type, neither is state, the replacement has an
     * {@code m.new_content} object and the original is not itself a replacement. Most recent by
     * {@code origin_server_ts}, then the largest event ID.
     */
    private static Optional<ObjectNode> replacement(Connection c, ServedEvents.Viewer viewer, Pdu parent,
            List<Child> children) throws SQLException {
        if (EventIndexes.relation(parent).map(r -> r.relType().equals(REPLACE)).orElse(false)) {
            return Optional.empty();
        }
        List<String> ids = children.stream()
                .filter(child -> child.relType().equals(REPLACE) && child.sender().equals(parent.sender().value()))
                .map(Child::eventId).toList();
        Optional<Pdu> latest = visible(c, viewer, ids).stream()
                .filter(edit -> edit.type().equals(parent.type()) && !edit.isState()
                        && edit.content().get("m.new_content") instanceof ObjectNode)
                .max(Comparator.comparingLong(Pdu::originServerTs).thenComparing(e -> e.eventId().value()));
        return latest.isEmpty() ? Optional.empty() : Optional.of(ServedEvents.one(c, viewer, latest.get(), false));
    }

    private static Optional<ObjectNode> thread(Connection c, ServedEvents.Viewer viewer, Pdu root, List<Child> children)
            throws SQLException {
        List<Child> replies = children.stream().filter(child -> child.relType().equals(THREAD)).toList();
        if (replies.isEmpty()) {
            return Optional.empty();
        }
        Pdu latest = null;
        for (int i = replies.size() - 1; i >= 0 && latest == null; i--) {
            List<Pdu> seen = visible(c, viewer, List.of(replies.get(i).eventId()));
            latest = seen.isEmpty() ? null : seen.get(0);
        }
        if (latest == null) {
            return Optional.empty();
        }
        String user = viewer.user().value();
        ObjectNode thread = JsonNodeFactory.instance.objectNode();
        thread.set("latest_event", ServedEvents.one(c, viewer, latest, false));
        thread.put("count", replies.size());
        thread.put("current_user_participated", root.sender().value().equals(user)
                || replies.stream().anyMatch(reply -> reply.sender().equals(user)));
        return Optional.of(thread);
    }

    private static Optional<ObjectNode> references(Connection c, ServedEvents.Viewer viewer, List<Child> children)
            throws SQLException {
        List<String> ids = children.stream().filter(child -> child.relType().equals(REFERENCE))
                .map(Child::eventId).toList();
        List<Pdu> seen = visible(c, viewer, ids);
        if (seen.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode references = JsonNodeFactory.instance.objectNode();
        ArrayNode chunk = references.putArray("chunk");
        seen.forEach(event -> chunk.addObject().put("event_id", event.eventId().value()));
        return Optional.of(references);
    }

    /** The events among {@code ids} the viewer may see, in the order of {@code ids}. */
    private static List<Pdu> visible(Connection c, ServedEvents.Viewer viewer, List<String> ids) throws SQLException {
        Map<String, StoredEvent> stored = EventStore.storedEvents(c, ids);
        List<Pdu> out = new ArrayList<>();
        for (String id : ids) {
            StoredEvent event = stored.get(id);
            if (event != null && RoomReader.visible(c, viewer.user(), event.pdu().roomId(), event)) {
                out.add(event.pdu());
            }
        }
        return out;
    }

    /** The children of the aggregated kinds, per parent event ID, oldest first. */
    private static Map<String, List<Child>> children(Connection c, List<String> parents) throws SQLException {
        Map<String, List<Child>> out = new HashMap<>();
        for (int from = 0; from < parents.size(); from += 500) {
            List<String> chunk = parents.subList(from, Math.min(parents.size(), from + 500));
            String marks = String.join(", ", Collections.nCopies(chunk.size(), "?"));
            try (PreparedStatement s = c.prepareStatement("SELECT relates_to, event_id, rel_type, sender, room_id,"
                    + " stream_ordering FROM event_relations WHERE rel_type IN (?, ?, ?) AND relates_to IN (" + marks
                    + ") ORDER BY stream_ordering")) {
                s.setString(1, REPLACE);
                s.setString(2, THREAD);
                s.setString(3, REFERENCE);
                for (int i = 0; i < chunk.size(); i++) {
                    s.setString(i + 4, chunk.get(i));
                }
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.computeIfAbsent(r.getString(1), k -> new ArrayList<>()).add(new Child(r.getString(2),
                                r.getString(3), r.getString(4), r.getString(5), r.getLong(6)));
                    }
                }
            }
        }
        return out;
    }
}
