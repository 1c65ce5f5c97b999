package dev.starling.mesh.exchange;

import dev.starling.mesh.identity.NodeId;
import java.io.IOException;

/**
 * "Send these bytes to that node": the seam between the request/response exchange and whatever carries the
 * bytes. {@link DirectLinks} sends over the open link to a neighbour; a multi-hop router can implement the
 * same interface later, and the exchange above does not change.
 */
public interface MeshSender {
    /**
     * Sends one message of at most {@link #maxPayload()} bytes to {@code node}.
     *
     * @throws IOException when the node cannot be reached now (no link, link closed)
     */
    void send(NodeId node, byte[] payload) throws IOException;

    /** The largest message {@link #send} carries. */
    int maxPayload();
}
