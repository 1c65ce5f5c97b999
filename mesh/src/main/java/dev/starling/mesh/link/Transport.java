package dev.starling.mesh.link;

import dev.starling.mesh.identity.NodeId;
import java.io.IOException;
import java.util.Optional;

/**
 * A way to reach neighbours: accepts inbound links and dials outbound ones, each authenticated by the link
 * handshake before it is handed out. {@code A} is the transport's address type (a socket address for TCP,
 * a device address for Bluetooth). Every link is reported to the listener given when the transport started.
 */
public interface Transport<A> extends AutoCloseable {
    /** The transport's name, e.g. {@code tcp}. */
    String name();

    /**
     * Dials {@code address} and runs the handshake. With {@code expected} present, a peer that proves any
     * other identity is refused before this node reveals its own identity to it, and an open link to that
     * node is returned without dialling. A transport keeps one link per peer: when the dial races with an
     * inbound link from the same node, the link that wins is returned.
     */
    Link connect(A address, Optional<NodeId> expected) throws IOException;

    /** Stops accepting and closes every link. */
    @Override
    void close();
}
