package dev.starling.server.rooms;

import dev.starling.protocol.events.Pdu;
import java.util.Objects;

/** An event as stored: the PDU, its global stream position, and the snapshot of the state after it. */
record StoredEvent(Pdu pdu, long streamOrdering, long stateGroup) {
    StoredEvent {
        Objects.requireNonNull(pdu, "pdu");
    }
}
