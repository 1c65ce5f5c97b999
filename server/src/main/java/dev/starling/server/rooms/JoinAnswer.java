package dev.starling.server.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.auth.AuthRules;
import dev.starling.protocol.crypto.EventSigning;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.rooms.RoomVersion;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the answer to our {@code send_join} (Server-Server API § Joining rooms: "the returned state and
 * auth chain must be validated"; SECURITY.md item 13) before anything is stored: every event is well formed
 * and of this room; every signature it needs verifies (each server's keys fetched once for the whole answer,
 * through {@link MembershipFederation#verifySignatures}); a content-hash mismatch keeps the redacted form;
 * the create event names this room and version; each event passes the auth rules against its own auth
 * events, in topological order of the auth chain (each event once: linear in the size of the answer); the
 * state has one event per key; and our join passes against that state. Any failure refuses the whole answer.
 */
final class JoinAnswer {
    /** The most events a send_join answer may carry (state plus auth chain). */
    static final int MAX_EVENTS = 250_000;

    /** A checked answer: the state before our join, every event to store (auth chain order), the create event. */
    record Checked(Pdu create, Map<StateKey, Pdu> state, List<Pdu> events) {}

    /** The answer was refused; the message says why (for logs and the client's error). */
    static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private JoinAnswer() {}

    static Checked check(ObjectNode answer, Pdu join, RoomVersion version, MembershipFederation federation) {
        RoomId roomId = join.roomId();
        List<ObjectNode> stateJson = objects(answer, "state");
        List<ObjectNode> chainJson = objects(answer, "auth_chain");
        if (stateJson.size() + chainJson.size() > MAX_EVENTS) {
            throw new Refused("the answer carries more than " + MAX_EVENTS + " events");
        }
        Map<EventId, ObjectNode> raw = new LinkedHashMap<>();
        List<EventId> stateIds = new ArrayList<>();
        Map<EventId, Pdu> parsed = new HashMap<>();
        for (List<ObjectNode> list : List.of(stateJson, chainJson)) {
            for (ObjectNode json : list) {
                Pdu event = parse(json, version);
                if (!event.roomId().equals(roomId)) {
                    throw new Refused("event " + event.eventId() + " belongs to room " + event.roomId());
                }
                if (list == stateJson) {
                    stateIds.add(event.eventId());
                }
                if (raw.putIfAbsent(event.eventId(), RemoteRoomStore.withoutUnsigned(json)) == null) {
                    parsed.put(event.eventId(), event);
                }
            }
        }
        try {
            federation.verifySignatures(List.copyOf(raw.values()), version);
        } catch (RuntimeException e) {
            throw new Refused("a signature in the answer does not verify: " + e.getMessage());
        }
        // A content-hash mismatch means the event was redacted on the way: keep the redacted form (item 8).
        raw.forEach((id, json) -> {
            EventSigning.ContentHashCheck hash = EventSigning.checkContentHash(json, version);
            if (!hash.matched()) {
                parsed.put(id, Pdu.withKnownId(hash.event(), version, id));
            }
        });
        Map<StateKey, Pdu> state = new HashMap<>();
        for (EventId id : stateIds) {
            Pdu event = parsed.get(id);
            if (!event.isState()) {
                throw new Refused("state event " + id + " has no state_key");
            }
            Pdu earlier = state.put(event.stateTuple(), event);
            if (earlier != null && !earlier.eventId().equals(id)) {
                throw new Refused("the state has two events for " + event.stateTuple());
            }
        }
        Pdu create = state.get(RoomStore.CREATE);
        if (create == null) {
            throw new Refused("the state has no m.room.create event");
        }
        if (!create.roomId().equals(roomId)) {
            throw new Refused("the create event is of room " + create.roomId());
        }
        String createdVersion = create.content().path("room_version").asText("1");
        if (!createdVersion.equals(version.id())) {
            throw new Refused("the create event says room version " + createdVersion + ", the answer " + version.id());
        }
        List<Pdu> ordered = authOrder(parsed);
        for (Pdu event : ordered) {
            checkAuth(event, parsed, create);
        }
        checkAuth(join, parsed, create);
        try {
            AuthRules.check(join, state);
        } catch (RuntimeException e) {
            throw new Refused("our join does not pass the auth rules against the room's state: " + e.getMessage());
        }
        return new Checked(create, state, ordered);
    }

    /** The auth rules against the event's own auth events, which must all be in the answer. */
    private static void checkAuth(Pdu event, Map<EventId, Pdu> known, Pdu create) {
        if (event.isCreateEvent()) {
            AuthRules.check(event, Map.of());
            return;
        }
        List<Pdu> authEvents = new ArrayList<>(event.authEvents().size());
        Map<StateKey, Pdu> authState = new HashMap<>();
        authState.put(RoomStore.CREATE, create);
        for (EventId id : event.authEvents()) {
            Pdu auth = known.get(id);
            if (auth == null) {
                throw new Refused("event " + event.eventId() + " names auth event " + id + ", missing from the answer");
            }
            authEvents.add(auth);
            if (auth.isState()) {
                authState.put(auth.stateTuple(), auth);
            }
        }
        try {
            AuthRules.checkAuthEvents(event, authEvents);
            AuthRules.check(event, authState);
        } catch (RuntimeException e) {
            throw new Refused("event " + event.eventId() + " fails the auth rules: " + e.getMessage());
        }
    }

    /** The events ordered so that each comes after its auth events (Kahn's algorithm); a cycle is refused. */
    private static List<Pdu> authOrder(Map<EventId, Pdu> events) {
        Map<EventId, Integer> waiting = new HashMap<>();
        Map<EventId, List<EventId>> dependents = new HashMap<>();
        Deque<EventId> ready = new ArrayDeque<>();
        for (Pdu event : events.values()) {
            int count = 0;
            for (EventId auth : event.authEvents()) {
                if (events.containsKey(auth)) {
                    count++;
                    dependents.computeIfAbsent(auth, a -> new ArrayList<>()).add(event.eventId());
                }
            }
            waiting.put(event.eventId(), count);
            if (count == 0) {
                ready.add(event.eventId());
            }
        }
        List<Pdu> ordered = new ArrayList<>(events.size());
        while (!ready.isEmpty()) {
            EventId id = ready.poll();
            ordered.add(events.get(id));
            for (EventId next : dependents.getOrDefault(id, List.of())) {
                if (waiting.merge(next, -1, Integer::sum) == 0) {
                    ready.add(next);
                }
            }
        }
        if (ordered.size() != events.size()) {
            throw new Refused("the auth chain has a cycle");
        }
        return ordered;
    }

    private static Pdu parse(ObjectNode json, RoomVersion version) {
        try {
            return Pdu.fromJson(RemoteRoomStore.withoutUnsigned(json), version);
        } catch (RuntimeException e) {
            throw new Refused("an event of the answer is malformed: " + e.getMessage());
        }
    }

    private static List<ObjectNode> objects(ObjectNode answer, String field) {
        JsonNode node = answer.get(field);
        if (node == null || !node.isArray()) {
            throw new Refused("the answer has no " + field + " array");
        }
        List<ObjectNode> events = new ArrayList<>(node.size());
        for (JsonNode element : node) {
            if (!(element instanceof ObjectNode object)) {
                throw new Refused(field + " holds something that is not an event");
            }
            events.add(object);
        }
        return events;
    }

}
