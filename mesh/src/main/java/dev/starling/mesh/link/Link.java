package dev.starling.mesh.link;

import dev.starling.mesh.identity.NodeId;
import java.util.concurrent.CompletionStage;

/**
 * An authenticated, encrypted link to one neighbour node, over some transport (TCP today; Bluetooth or
 * Wi-Fi Direct later). A link exists only after its handshake proved the peer's {@link NodeId}. Frames are
 * delivered in order, at most once, to the transport's {@link LinkListener}. Implementations are thread-safe.
 */
public interface Link extends AutoCloseable {
    /** The node at the other end, proven by the handshake. */
    NodeId peer();

    /** The transport's name, e.g. {@code tcp}. */
    String transport();

    /** Where the peer is, for logs (an address; never an identity). */
    String remoteAddress();

    /** Sends one DATA frame of at most {@link #maxPayload()} bytes. Blocks while the transport is busy. */
    void send(byte[] payload) throws LinkClosedException;

    /** The largest DATA payload this link carries. */
    int maxPayload();

    boolean isOpen();

    /** Completes (once) with the reason the link closed. */
    CompletionStage<CloseReason> closed();

    /** Closes the link (sends CLOSE best-effort); idempotent. */
    @Override
    void close();
}
