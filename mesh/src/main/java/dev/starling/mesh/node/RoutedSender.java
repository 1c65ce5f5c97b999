package dev.starling.mesh.node;

import dev.starling.mesh.exchange.MeshSender;
import dev.starling.mesh.identity.NodeId;
import java.io.IOException;

/**
 * The {@link MeshSender} of a {@link MeshNode}: a message to any node the router has a route to goes there
 * over as many hops as needed ({@link MeshNode#send}, with per-hop acknowledgement and custody); a message to
 * a node with no route now fails at once, so that a request/response layer above (the exchange, federation)
 * fails fast and retries with its own queue instead of waiting for an answer that cannot come.
 *
 * <p>A message accepted here is durable: if the route is lost after it was accepted, it is held and
 * delivered when the route is back (late requests are answered, and the late answer is dropped by the
 * requester, which has timed out and retries; federation requests are idempotent).
 */
final class RoutedSender implements MeshSender {
    private final MeshNode node;

    RoutedSender(MeshNode node) {
        this.node = node;
    }

    @Override
    public void send(NodeId destination, byte[] payload) throws IOException {
        if (!node.reachable(destination)) {
            throw new IOException("no route to node " + destination.shortName());
        }
        try {
            node.send(destination, payload);
        } catch (IllegalStateException e) {
            throw new IOException("mesh node closed", e);
        }
    }

    @Override
    public int maxPayload() {
        return node.maxPayload();
    }
}
