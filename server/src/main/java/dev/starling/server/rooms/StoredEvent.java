package dev.starling.server.rooms;

import dev.starling.protocol.events.Pdu;
import java.util.Objects;
import java.util.Optional;

/**
 * An event as stored: the PDU, its global stream position, and the snapshot of the state after it.
 *
 * @param sentWith the client transaction of a local send when the writer handed the event over after its commit
 *     ({@link EventWindows#committed}): empty for a send without one. {@code null} when not known (an event read
 *     from the database): {@link ServedEvents} then looks it up.
 */
record StoredEvent(Pdu pdu, long streamOrdering, long stateGroup, Optional<TxnKey> sentWith) {
    StoredEvent {
        Objects.requireNonNull(pdu, "pdu");
    }

    /** An event read from the database: its transaction, if any, is not known. */
    StoredEvent(Pdu pdu, long streamOrdering, long stateGroup) {
        this(pdu, streamOrdering, stateGroup, null);
    }
}
