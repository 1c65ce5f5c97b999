package dev.starling.server.federation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.ServerName;

/**
 * Where the EDUs of an inbound {@code /send} transaction go (typing, receipts, device list updates, signing
 * key updates, direct to-device, presence). The origin is the authenticated sending server; an EDU that is
 * malformed or names users of another server is dropped by the implementation (logged), never an error for
 * the whole transaction.
 */
public interface InboundEdus {
    /** Handles one EDU; must not throw for bad input. */
    void receive(ServerName origin, String eduType, ObjectNode content);

    /** Ignores every EDU (until the EDU handlers are wired). */
    InboundEdus IGNORE = (origin, eduType, content) -> { };
}
