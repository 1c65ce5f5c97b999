package dev.starling.server.federation.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.ServerName;
import dev.starling.server.federation.FederationClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulling events from another server for the pipeline: the missing predecessors of an event
 * ({@code POST /get_missing_events}) and the auth chain of an event ({@code GET /event_auth}). Answers are
 * untrusted JSON objects: each goes through the same checks as a pushed PDU (SECURITY.md item 13). A server
 * that cannot be reached, or answers with an error, yields nothing (logged).
 */
final class EventFetcher {
    private static final Logger LOG = LoggerFactory.getLogger(EventFetcher.class);
    /** How many missing events one gap-filling request asks for (Synapse asks for 10). */
    static final int MISSING_EVENTS_LIMIT = 20;
    /** The most events taken from one answer. */
    private static final int MAX_EVENTS = 1000;

    private final FederationClient client;

    EventFetcher(FederationClient client) {
        this.client = client;
    }

    /** {@code POST /_matrix/federation/v1/get_missing_events/{roomId}}: events between our extremities and {@code latest}. */
    List<ObjectNode> missingEvents(ServerName origin, RoomId roomId, List<EventId> earliest, List<EventId> latest,
            long minDepth) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        var earliestIds = body.putArray("earliest_events");
        earliest.forEach(id -> earliestIds.add(id.value()));
        var latestIds = body.putArray("latest_events");
        latest.forEach(id -> latestIds.add(id.value()));
        body.put("limit", MISSING_EVENTS_LIMIT);
        body.put("min_depth", minDepth);
        try {
            ObjectNode answer = client.request(origin, "POST", "/_matrix/federation/v1/get_missing_events/"
                    + encode(roomId.value()), body);
            return objects(answer.get("events"));
        } catch (RuntimeException e) {
            LOG.info("get_missing_events failed origin={} room_id={} error={}", origin, roomId, e.toString());
            return List.of();
        }
    }

    /** {@code GET /_matrix/federation/v1/event_auth/{roomId}/{eventId}}: the event's whole auth chain. */
    List<ObjectNode> authChain(ServerName origin, RoomId roomId, EventId eventId) {
        try {
            ObjectNode answer = client.get(origin, "/_matrix/federation/v1/event_auth/" + encode(roomId.value()) + "/"
                    + encode(eventId.value()));
            return objects(answer.get("auth_chain"));
        } catch (RuntimeException e) {
            LOG.info("event_auth failed origin={} room_id={} event_id={} error={}", origin, roomId, eventId,
                    e.toString());
            return List.of();
        }
    }

    private static List<ObjectNode> objects(JsonNode array) {
        List<ObjectNode> out = new ArrayList<>();
        if (array != null && array.isArray()) {
            for (JsonNode element : array) {
                if (element instanceof ObjectNode object && out.size() < MAX_EVENTS) {
                    out.add(object);
                }
            }
        }
        return out;
    }

    static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
