package dev.starling.server.rooms;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.Pdu;

/** PDUs in the client format (Client-Server API § Room event format, {@code ClientEvent}). */
final class ClientEvents {
    private ClientEvents() {}

    static ObjectNode of(Pdu pdu) {
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.set("content", pdu.content().deepCopy());
        event.put("event_id", pdu.eventId().value());
        event.put("origin_server_ts", pdu.originServerTs());
        // A v12 create event has no room_id on the wire; a client event always has one.
        event.put("room_id", pdu.roomId().value());
        event.put("sender", pdu.sender().value());
        pdu.stateKey().ifPresent(key -> event.put("state_key", key));
        event.put("type", pdu.type());
        event.putObject("unsigned");
        return event;
    }
}
