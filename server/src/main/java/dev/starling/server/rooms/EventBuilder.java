package dev.starling.server.rooms;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.auth.AuthRules;
import dev.starling.protocol.crypto.EventSigning;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.PduLimits;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.rooms.RoomVersion;
import dev.starling.server.http.MatrixException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds the next event of a room (Server-Server API § PDUs; Client-Server API § Sending events): prev_events
 * are the forward extremities (at most 20), auth_events the current state's events for the keys
 * {@link AuthRules#authEventKeys} selects, depth one more than the deepest prev event; then the content
 * hash and this server's signature ({@link EventSigning#signNew}: each canonical encoding made once; the format
 * and size limits of {@link Pdu#fromJson}) and the auth rules against
 * the room's current state. A refused event is an {@code AuthException} naming the rule (403 M_FORBIDDEN).
 * Thread-safe.
 */
final class EventBuilder {
    private final ServerName serverName;
    private final SigningKey signingKey;
    private final Clock clock;

    EventBuilder(ServerName serverName, SigningKey signingKey, Clock clock) {
        this.serverName = Objects.requireNonNull(serverName, "serverName");
        this.signingKey = Objects.requireNonNull(signingKey, "signingKey");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** What a client asks for: an event of {@code type} with {@code content}; {@code stateKey} null for a non-state event. */
    record Request(UserId sender, String type, String stateKey, ObjectNode content) {
        Request {
            Objects.requireNonNull(sender, "sender");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(content, "content");
            checkLength("event type", type);
            if (stateKey != null) {
                checkLength("state_key", stateKey);
            }
        }

        static Request state(UserId sender, String type, String stateKey, ObjectNode content) {
            return new Request(sender, type, Objects.requireNonNull(stateKey, "stateKey"), content);
        }

        static Request message(UserId sender, String type, ObjectNode content) {
            return new Request(sender, type, null, content);
        }

        /** The state keys whose events authorise this request in a room of {@code version}. */
        List<StateKey> authKeys(RoomVersion version) {
            return AuthRules.authEventKeys(version, type, sender, stateKey, content);
        }

        private static void checkLength(String what, String value) {
            // Client-Server API § Size limits: type and state_key at most 255 bytes.
            int bytes = value.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > PduLimits.MAX_FIELD_BYTES) {
                throw MatrixException.invalidParam(what, bytes + " bytes; the limit is " + PduLimits.MAX_FIELD_BYTES);
            }
        }
    }

    /**
     * Builds, signs and authorises the next event of {@code draft}, without changing the draft.
     *
     * @throws dev.starling.protocol.auth.AuthException if the auth rules refuse it against the draft's state
     * @throws dev.starling.protocol.events.InvalidEventException if it breaks the format or size limits
     */
    Pdu build(RoomDraft draft, Request request) {
        boolean create = EventTypes.CREATE.equals(request.type()) && "".equals(request.stateKey());
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("type", request.type());
        if (request.stateKey() != null) {
            json.put("state_key", request.stateKey());
        }
        json.put("sender", request.sender().value());
        // Not copied here: signing copies the whole event once (EventSigning.signNew).
        ObjectNode content = request.content();
        // A redaction names its target in content.redacts (v11+); older versions carry it at the top level
        // (Client-Server API § Redactions: clients may send content.redacts in every room version).
        if (EventTypes.REDACTION.equals(request.type()) && request.stateKey() == null
                && !draft.version().redactsInContent() && content.has("redacts")) {
            content = content.deepCopy();
            json.set("redacts", content.remove("redacts"));
        }
        json.set("content", content);
        // v12: a create event has no room_id; the room ID is derived from its hash.
        if (!(create && draft.version().roomIdIsCreateEventHash())) {
            json.put("room_id", draft.roomId().orElseThrow(() ->
                    new IllegalStateException("a room without an ID must start with its create event")).value());
        }
        json.put("origin_server_ts", clock.millis());
        List<EventId> prev = draft.extremities();
        if (prev.size() > PduLimits.MAX_PREV_EVENTS) {
            prev = prev.subList(0, PduLimits.MAX_PREV_EVENTS);
        }
        var prevArray = json.putArray("prev_events");
        prev.forEach(id -> prevArray.add(id.value()));
        List<Pdu> authEvents = new ArrayList<>();
        var authArray = json.putArray("auth_events");
        for (StateKey key : request.authKeys(draft.version())) {
            draft.get(key).ifPresent(event -> {
                authEvents.add(event);
                authArray.add(event.eventId().value());
            });
        }
        json.put("depth", create ? 1 : Math.min(draft.maxDepth() + 1, PduLimits.MAX_DEPTH));
        Pdu event = EventSigning.signNew(json, draft.version(), serverName, signingKey);
        if (!create) {
            AuthRules.checkAuthEvents(event, authEvents);
        }
        AuthRules.check(event, draft.state());
        return event;
    }
}
