package dev.starling.server.rooms;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.Redaction;
import dev.starling.protocol.id.DeviceId;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.server.storage.StreamChanges;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Events as they are served to one client, the one place every read path (/sync, /messages, /event, /context,
 * /state, relations, threads) turns stored events into client events: a redacted event in its redacted form
 * with {@code unsigned.redacted_because} (Client-Server API § Redactions); the requesting device's own events
 * with {@code unsigned.transaction_id}; and, where asked, bundled aggregations in {@code unsigned.m.relations}
 * ({@link BundledAggregations}). Visibility is the caller's business: pass only events the user may see.
 */
final class ServedEvents {
    private ServedEvents() {}

    /** Who reads: the user, and the device whose transaction IDs are echoed (empty: none). */
    record Viewer(UserId user, Optional<DeviceId> device) {
        static Viewer of(UserId user, DeviceId device) {
            return new Viewer(user, Optional.of(device));
        }

        static Viewer of(UserId user) {
            return new Viewer(user, Optional.empty());
        }
    }

    static ObjectNode one(Connection c, Viewer viewer, Pdu event, boolean bundle) throws SQLException {
        return of(c, viewer, List.of(event), bundle).get(0);
    }

    /** The events in the client format, in the given order. */
    static List<ObjectNode> of(Connection c, Viewer viewer, List<Pdu> events, boolean bundle) throws SQLException {
        return of(c, viewer, events, Map.of(), Set.of(), Map.of(), bundle);
    }

    /**
     * As {@link #of(Connection, Viewer, List, boolean)} for stored events: their stream orderings spare the
     * search by event ID when the device's transaction IDs are looked up, and with {@code changes} (null: none)
     * the events no redaction or relation names yet need no lookup of either (see {@link #unnamed}).
     */
    static List<ObjectNode> ofStored(Connection c, Viewer viewer, List<StoredEvent> events, boolean bundle,
            StreamChanges changes) throws SQLException {
        List<Pdu> pdus = new ArrayList<>(events.size());
        Map<String, Long> orderings = new HashMap<>();
        Set<String> unnamed = new HashSet<>();
        Map<String, Optional<String>> sentWith = new HashMap<>();
        ServerName viewerServer = viewer.user().server();
        for (StoredEvent event : events) {
            pdus.add(event.pdu());
            String id = event.pdu().eventId().value();
            orderings.put(id, event.streamOrdering());
            if (changes != null && unnamed(changes, viewerServer, event)) {
                unnamed.add(id);
            }
            if (event.sentWith() != null) {
                sentWith.put(id, event.sentWith().filter(txn -> txn.user().equals(viewer.user())
                        && viewer.device().equals(Optional.of(txn.device()))).map(TxnKey::txnId));
            }
        }
        return of(c, viewer, pdus, orderings, unnamed, sentWith, bundle);
    }

    /**
     * Whether no redaction and no bundled relation can name the event: it was created here (its sender is on the
     * viewer's server, so nothing could name its ID — a hash of the event — before it existed), it was stored
     * after {@code changes} began (so whatever names it was stored later, by this process, through
     * {@link EventIndexes}, which touches {@link RoomChanges#named} inside the storing transaction), and no such
     * touch was made. One of ours that comes back over federation ({@link RemoteEvents#persist}) is touched
     * itself: a redaction stored before it came back may name it. A redaction or edit committed before the
     * caller's cut has touched it; one committed after is past the cut, and the event is served as it stood at
     * the cut. Touches are forgettable: one forgotten was at or before {@link StreamChanges#knownSince}, and so
     * was the event it named (stored before its namer, or touched itself), which is then looked up.
     */
    static boolean unnamed(StreamChanges changes, ServerName viewerServer, StoredEvent event) {
        Pdu pdu = event.pdu();
        if (!pdu.sender().isOn(viewerServer)) {
            return false;
        }
        Object key = RoomChanges.named(pdu.eventId().value());
        // lastChange before knownSince: a touch forgotten between the two reads is covered by the second.
        return changes.lastChange(key) == Long.MIN_VALUE && event.streamOrdering() > changes.knownSince(key);
    }

    /**
     * @param sentWith per event whose transaction the writer told: the viewer device's transaction ID, or empty
     *     when it is not the viewer's; the others' are looked up
     */
    private static List<ObjectNode> of(Connection c, Viewer viewer, List<Pdu> events, Map<String, Long> orderings,
            Set<String> unnamed, Map<String, Optional<String>> sentWith, boolean bundle) throws SQLException {
        if (events.isEmpty()) {
            return List.of();
        }
        List<Pdu> named = unnamed.isEmpty() ? events
                : events.stream().filter(e -> !unnamed.contains(e.eventId().value())).toList();
        Map<String, Pdu> redactions = redactions(c, named.stream().map(e -> e.eventId().value()).toList());
        Map<String, String> txns = viewer.device().isPresent() ? txnIds(c, viewer, events, orderings, sentWith)
                : Map.of();
        Map<String, ObjectNode> bundles = bundle && !named.isEmpty()
                ? BundledAggregations.of(c, viewer, named, redactions.keySet()) : Map.of();
        List<ObjectNode> out = new ArrayList<>(events.size());
        for (Pdu pdu : events) {
            String id = pdu.eventId().value();
            Pdu redaction = redactions.get(id);
            ObjectNode event;
            if (redaction != null) {
                ObjectNode pruned = Redaction.redact(pdu.json(), pdu.roomVersion());
                event = ClientEvents.of(pdu, (ObjectNode) pruned.get("content"));
                ((ObjectNode) event.get("unsigned")).set("redacted_because", ClientEvents.of(redaction));
            } else {
                event = ClientEvents.of(pdu);
            }
            ObjectNode unsigned = (ObjectNode) event.get("unsigned");
            String txn = txns.get(id);
            if (txn != null) {
                unsigned.put("transaction_id", txn);
            }
            ObjectNode relations = bundles.get(id);
            if (relations != null && !relations.isEmpty()) {
                unsigned.set("m.relations", relations);
            }
            out.add(event);
        }
        return out;
    }

    /**
     * The redaction that applies to each of {@code eventIds} that has one: the first stored redaction naming it
     * from the same room (a redaction in another room redacts nothing), and for one received before the event
     * from a sender without the redact level, only if the event's sender is on the redaction sender's server
     * ({@link #reaches}).
     */
    static Map<String, Pdu> redactions(Connection c, List<String> eventIds) throws SQLException {
        Map<String, String> byEvent = new LinkedHashMap<>();
        for (int from = 0; from < eventIds.size(); from += 500) {
            List<String> chunk = eventIds.subList(from, Math.min(eventIds.size(), from + 500));
            try (PreparedStatement s = c.prepareStatement(redactionsQuery(chunk.size()))) {
                for (int i = 0; i < chunk.size(); i++) {
                    s.setString(i + 1, chunk.get(i));
                }
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        if (reaches(r.getString(3), UserId.parse(r.getString(4)))) {
                            byEvent.putIfAbsent(r.getString(1), r.getString(2));
                        }
                    }
                }
            }
        }
        if (byEvent.isEmpty()) {
            return Map.of();
        }
        Map<String, Pdu> redactionEvents = EventStore.pdus(c, byEvent.values());
        Map<String, Pdu> out = new HashMap<>();
        byEvent.forEach((event, redaction) -> out.put(event, redactionEvents.get(redaction)));
        return out;
    }

    /**
     * The query of {@link #redactions} for {@code events} event IDs. CROSS JOIN makes SQLite take the redactions'
     * index by target first: most events have no redaction, so the search ends there, with no search of the
     * much larger events index by event ID (which it chose before, one per served event).
     */
    static String redactionsQuery(int events) {
        return "SELECT r.redacts, r.event_id, r.target_server, e.sender FROM redactions r CROSS JOIN events e"
                + " WHERE r.redacts IN (" + String.join(", ", Collections.nCopies(events, "?")) + ")"
                + " AND e.event_id = r.redacts AND e.room_id = r.room_id ORDER BY r.stream_ordering";
    }

    /**
     * Whether a stored redaction limited to {@code targetServer} (null: not limited) applies to an event of
     * {@code sender}.
     */
    static boolean reaches(String targetServer, UserId sender) {
        return targetServer == null || targetServer.equals(sender.server().value());
    }

    /**
     * The viewer device's transaction IDs of its own events, by event ID: as told in {@code sentWith}, else
     * looked up, by ordering where all are known.
     */
    private static Map<String, String> txnIds(Connection c, Viewer viewer, List<Pdu> events,
            Map<String, Long> orderings, Map<String, Optional<String>> sentWith) throws SQLException {
        Map<RoomId, List<String>> own = new LinkedHashMap<>();
        Map<String, String> txns = new HashMap<>();
        for (Pdu event : events) {
            String id = event.eventId().value();
            Optional<String> told = sentWith.get(id);
            if (told != null) {
                told.ifPresent(txn -> txns.put(id, txn));
            } else if (event.sender().equals(viewer.user())) {
                own.computeIfAbsent(event.roomId(), r -> new ArrayList<>()).add(id);
            }
        }
        for (Map.Entry<RoomId, List<String>> room : own.entrySet()) {
            if (orderings.keySet().containsAll(room.getValue())) {
                Map<Long, String> ids = new HashMap<>();
                room.getValue().forEach(id -> ids.put(orderings.get(id), id));
                StreamStore.txnIdsAt(c, viewer.user(), viewer.device().orElseThrow(), room.getKey(), ids.keySet())
                        .forEach((ordering, txn) -> txns.put(ids.get(ordering), txn));
            } else {
                txns.putAll(StreamStore.txnIds(c, viewer.user(), viewer.device().orElseThrow(), room.getKey(),
                        room.getValue()));
            }
        }
        return txns;
    }
}
