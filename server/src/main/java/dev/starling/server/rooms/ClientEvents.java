package dev.starling.server.rooms;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;

/**
 * PDUs in the client format (Client-Server API § Room event format, {@code ClientEvent}), as stored: without
 * redactions or bundled aggregations applied; {@link ServedEvents} applies those.
 */
final class ClientEvents {
    private ClientEvents() {}

    static ObjectNode of(Pdu pdu) {
        return of(pdu, pdu.content());
    }

    /** The event with {@code content} in place of its own (the redacted content of a redacted event). */
    static ObjectNode of(Pdu pdu, ObjectNode content) {
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.set("content", content.deepCopy());
        event.put("event_id", pdu.eventId().value());
        event.put("origin_server_ts", pdu.originServerTs());
        // A v12 create event has no room_id on the wire; a client event always has one.
        event.put("room_id", pdu.roomId().value());
        event.put("sender", pdu.sender().value());
        pdu.stateKey().ifPresent(key -> event.put("state_key", key));
        event.put("type", pdu.type());
        // m.room.redaction: top-level redacts before v11, content.redacts from v11; clients read either, so a
        // v11+ redaction carries both, as Synapse serves it (Client-Server API § m.room.redaction).
        if (pdu.type().equals(EventTypes.REDACTION)) {
            pdu.redacts().ifPresent(id -> event.put("redacts", id.value()));
        }
        event.putObject("unsigned");
        return event;
    }
}
