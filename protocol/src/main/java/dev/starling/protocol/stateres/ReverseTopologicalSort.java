package dev.starling.protocol.stateres;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.id.EventId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Function;

/**
 * Step 1 of the algorithm (spec: room version 2 state resolution, "Reverse topological power ordering"): the
 * power events of the full conflicted set, enlarged with the events of their auth chains that are also in the
 * full conflicted set, in the lexicographically smallest topological order of the auth DAG, where a smaller
 * event has a sender with more power, then an earlier {@code origin_server_ts}, then a smaller event ID.
 */
final class ReverseTopologicalSort {
    /** Greater than any power level an event can grant: v12 creators outrank everyone (MSC4289). */
    static final long CREATOR_POWER = Long.MAX_VALUE;

    record SortKey(long power, long originServerTs, EventId eventId) {}

    private static final Comparator<SortKey> ORDER = Comparator.comparingLong(SortKey::power).reversed()
            .thenComparingLong(SortKey::originServerTs)
            .thenComparing(key -> key.eventId().value());

    private ReverseTopologicalSort() {}

    static List<EventId> sort(Collection<EventId> powerEvents, Set<EventId> fullConflictedSet, Events events) {
        // The graph: each event to its auth events within the full conflicted set. Like Synapse and ruma, edges
        // are followed only through events of the full conflicted set.
        Map<EventId, List<EventId>> authEdges = new HashMap<>();
        ArrayDeque<EventId> queue = new ArrayDeque<>(powerEvents);
        while (!queue.isEmpty()) {
            EventId id = queue.poll();
            if (authEdges.containsKey(id)) {
                continue;
            }
            List<EventId> edges = new ArrayList<>(2);
            for (EventId auth : events.get(id).authEvents()) {
                if (fullConflictedSet.contains(auth) && !edges.contains(auth)) {
                    edges.add(auth);
                    queue.add(auth);
                }
            }
            authEdges.put(id, edges);
        }
        return kahn(authEdges, id -> key(events.get(id), events));
    }

    /**
     * Kahn's algorithm taking, at each step, the smallest event whose auth events have all been output. Events on
     * a cycle (impossible with valid events) are never output.
     */
    static List<EventId> kahn(Map<EventId, List<EventId>> authEdges, Function<EventId, SortKey> keys) {
        Map<EventId, Integer> waitingOn = new HashMap<>();
        Map<EventId, List<EventId>> citedBy = new HashMap<>();
        Map<EventId, SortKey> keyOf = new HashMap<>();
        PriorityQueue<SortKey> ready = new PriorityQueue<>(ORDER);
        for (Map.Entry<EventId, List<EventId>> entry : authEdges.entrySet()) {
            EventId id = entry.getKey();
            SortKey key = keys.apply(id);
            keyOf.put(id, key);
            waitingOn.put(id, entry.getValue().size());
            for (EventId auth : entry.getValue()) {
                citedBy.computeIfAbsent(auth, k -> new ArrayList<>()).add(id);
            }
            if (entry.getValue().isEmpty()) {
                ready.add(key);
            }
        }
        List<EventId> sorted = new ArrayList<>(authEdges.size());
        Set<EventId> done = new HashSet<>();
        while (!ready.isEmpty()) {
            EventId id = ready.poll().eventId();
            if (!done.add(id)) {
                continue;
            }
            sorted.add(id);
            for (EventId child : citedBy.getOrDefault(id, List.of())) {
                int left = waitingOn.merge(child, -1, Integer::sum);
                if (left == 0) {
                    ready.add(keyOf.get(child));
                }
            }
        }
        return sorted;
    }

    private static SortKey key(Pdu event, Events events) {
        return new SortKey(senderPower(event, events), event.originServerTs(), event.eventId());
    }

    /**
     * The power level of the event's sender "when looking at their respective auth events": the
     * {@code m.room.power_levels} among its auth events, or without one the creator's implicit 100 (0 for
     * anyone else). In room version 12 the creators (the create event's sender and
     * {@code additional_creators}) have infinite power whatever the power levels say.
     */
    static long senderPower(Pdu event, Events events) {
        Pdu create = events.createEvent(event);
        String sender = event.sender().value();
        if (events.version().privilegedCreators() && create != null && isCreator(create, sender)) {
            return CREATOR_POWER;
        }
        Pdu powerLevels = events.powerLevelsAuthEvent(event);
        if (powerLevels != null) {
            return events.powerLevels(powerLevels).userLevel(event.sender());
        }
        if (create == null) {
            return 0;
        }
        String creator = events.version().creatorIsSender() ? create.sender().value()
                : create.content().path("creator").asText(null);
        return sender.equals(creator) ? 100 : 0;
    }

    private static boolean isCreator(Pdu create, String user) {
        if (create.sender().value().equals(user)) {
            return true;
        }
        JsonNode additional = create.content().get("additional_creators");
        if (additional != null && additional.isArray()) {
            for (JsonNode creator : additional) {
                if (creator.isTextual() && creator.textValue().equals(user)) {
                    return true;
                }
            }
        }
        return false;
    }
}
