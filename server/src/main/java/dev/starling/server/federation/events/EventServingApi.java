package dev.starling.server.federation.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.ServerName;
import dev.starling.server.http.MatrixException;
import dev.starling.server.http.MatrixRequest;
import dev.starling.server.http.MatrixResponse;
import dev.starling.server.rooms.FederationReads;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Serving a room's events to other servers. Every endpoint first requires a user of the requesting server
 * joined to the room now (else 403 M_FORBIDDEN), then applies history visibility for servers per event (an
 * event the server may not see answers like a missing one, 404); an event must be in the room of the path
 * (SECURITY.md item 15). Rejected events are never served.
 */
public final class EventServingApi {
    /** The most events one backfill or get_missing_events answer holds. */
    static final int MAX_EVENTS = 100;

    private final ServerName serverName;
    private final FederationReads reads;
    private final Clock clock;

    EventServingApi(ServerName serverName, FederationReads reads, Clock clock) {
        this.serverName = serverName;
        this.reads = reads;
        this.clock = clock;
    }

    /** GET /_matrix/federation/v1/event/{eventId} — Server-Server API § Retrieving events. */
    public MatrixResponse event(MatrixRequest request) {
        ServerName origin = request.requireOrigin();
        EventId eventId = request.pathParam("eventId", EventId::parse);
        Pdu event = reads.event(eventId).orElseThrow(() -> MatrixException.notFound("unknown event"));
        requireJoined(event.roomId(), origin);
        if (!reads.visibleTo(origin, event)) {
            throw MatrixException.notFound("unknown event");
        }
        return MatrixResponse.ok(transaction(List.of(event)));
    }

    /** GET /_matrix/federation/v1/state/{roomId}?event_id= — Server-Server API § Retrieving events. */
    public MatrixResponse state(MatrixRequest request) {
        ServerName origin = request.requireOrigin();
        Map<StateKey, String> state = stateBefore(request, origin);
        List<Pdu> pdus = new ArrayList<>(reads.events(state.values()).values());
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        answer.set("auth_chain", array(reads.authChain(pdus)));
        answer.set("pdus", array(pdus));
        return MatrixResponse.ok(answer);
    }

    /** GET /_matrix/federation/v1/state_ids/{roomId}?event_id= — Server-Server API § Retrieving events. */
    public MatrixResponse stateIds(MatrixRequest request) {
        ServerName origin = request.requireOrigin();
        Map<StateKey, String> state = stateBefore(request, origin);
        List<Pdu> pdus = new ArrayList<>(reads.events(state.values()).values());
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        ArrayNode chain = answer.putArray("auth_chain_ids");
        reads.authChain(pdus).forEach(e -> chain.add(e.eventId().value()));
        ArrayNode ids = answer.putArray("pdu_ids");
        pdus.forEach(e -> ids.add(e.eventId().value()));
        return MatrixResponse.ok(answer);
    }

    /** GET /_matrix/federation/v1/event_auth/{roomId}/{eventId} — Server-Server API § Event authorization. */
    public MatrixResponse eventAuth(MatrixRequest request) {
        ServerName origin = request.requireOrigin();
        RoomId roomId = request.pathParam("roomId", RoomId::parse);
        Pdu event = visibleEvent(roomId, request.pathParam("eventId", EventId::parse), origin);
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        answer.set("auth_chain", array(reads.authChain(List.of(event))));
        return MatrixResponse.ok(answer);
    }

    /** GET /_matrix/federation/v1/backfill/{roomId}?v=&limit= — Server-Server API § Backfilling and retrieving missing events. */
    public MatrixResponse backfill(MatrixRequest request) {
        ServerName origin = request.requireOrigin();
        RoomId roomId = request.pathParam("roomId", RoomId::parse);
        List<String> from = request.queryParams("v");
        if (from.isEmpty()) {
            throw MatrixException.missingParam("v");
        }
        String limitText = request.queryParam("limit").orElseThrow(() -> MatrixException.missingParam("limit"));
        int limit;
        try {
            limit = Integer.parseInt(limitText);
        } catch (NumberFormatException e) {
            throw MatrixException.invalidParam("limit", "must be an integer");
        }
        if (limit < 0) {
            throw MatrixException.invalidParam("limit", "must not be negative");
        }
        requireJoined(roomId, origin);
        List<EventId> start = from.stream().map(EventId::parse).toList();
        List<Pdu> events = reads.walkBack(roomId, start, true, Set.of(), 0, Math.min(limit, MAX_EVENTS));
        return MatrixResponse.ok(transaction(reads.visibleTo(origin, events)));
    }

    /** POST /_matrix/federation/v1/get_missing_events/{roomId} — Server-Server API § Backfilling and retrieving missing events. */
    public MatrixResponse missingEvents(MatrixRequest request) {
        ServerName origin = request.requireOrigin();
        RoomId roomId = request.pathParam("roomId", RoomId::parse);
        ObjectNode body = request.jsonBody();
        List<EventId> earliest = eventIds(body, "earliest_events");
        List<EventId> latest = eventIds(body, "latest_events");
        long limit = integer(body, "limit", 10);
        long minDepth = integer(body, "min_depth", 0);
        requireJoined(roomId, origin);
        List<Pdu> events = new ArrayList<>(reads.walkBack(roomId, latest, false, new HashSet<>(earliest), minDepth,
                (int) Math.max(0, Math.min(limit, MAX_EVENTS))));
        events.sort(Comparator.comparingLong(Pdu::depth));
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        answer.set("events", array(reads.visibleTo(origin, events)));
        return MatrixResponse.ok(answer);
    }

    private Map<StateKey, String> stateBefore(MatrixRequest request, ServerName origin) {
        RoomId roomId = request.pathParam("roomId", RoomId::parse);
        EventId eventId = EventId.parse(request.queryParam("event_id")
                .orElseThrow(() -> MatrixException.missingParam("event_id")));
        Pdu event = visibleEvent(roomId, eventId, origin);
        return reads.stateBefore(event.eventId())
                .orElseThrow(() -> MatrixException.notFound("the state at this event is not known"));
    }

    /** The event, in the path's room, visible to a joined server; else 403 (not joined) or 404. */
    private Pdu visibleEvent(RoomId roomId, EventId eventId, ServerName origin) {
        requireJoined(roomId, origin);
        Pdu event = reads.event(eventId).filter(e -> e.roomId().equals(roomId))
                .orElseThrow(() -> MatrixException.notFound("unknown event in this room"));
        if (!reads.visibleTo(origin, event)) {
            throw MatrixException.notFound("unknown event in this room");
        }
        return event;
    }

    private void requireJoined(RoomId roomId, ServerName origin) {
        if (!reads.serverJoined(roomId, origin)) {
            throw MatrixException.forbidden("the server " + origin + " is not in the room");
        }
    }

    private ObjectNode transaction(List<Pdu> events) {
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        answer.put("origin", serverName.value());
        answer.put("origin_server_ts", clock.millis());
        answer.set("pdus", array(events));
        return answer;
    }

    private static ArrayNode array(List<Pdu> events) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        events.forEach(e -> array.add(e.json()));
        return array;
    }

    private static List<EventId> eventIds(ObjectNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null) {
            throw MatrixException.missingParam(field);
        }
        if (!node.isArray()) {
            throw MatrixException.invalidParam(field, "must be an array of event IDs");
        }
        List<EventId> ids = new ArrayList<>();
        for (JsonNode id : node) {
            if (!id.isTextual()) {
                throw MatrixException.invalidParam(field, "must be an array of event IDs");
            }
            ids.add(EventId.parse(id.textValue()));
        }
        if (ids.size() > MAX_EVENTS) {
            throw MatrixException.invalidParam(field, "at most " + MAX_EVENTS + " event IDs");
        }
        return ids;
    }

    private static long integer(ObjectNode body, String field, long fallback) {
        JsonNode node = body.get(field);
        if (node == null) {
            return fallback;
        }
        if (!node.isIntegralNumber()) {
            throw MatrixException.invalidParam(field, "must be an integer");
        }
        return node.longValue();
    }
}
