package dev.starling.mesh.link;

/**
 * Receives the events of every link of a transport. Callbacks for one link come from one thread, in order;
 * different links call concurrently. A callback must not block for long (hand work to another thread).
 */
public interface LinkListener {
    /** A link finished its handshake; {@link Link#peer()} is proven. */
    default void onLinkUp(Link link) {
    }

    /** A DATA frame arrived. */
    void onData(Link link, byte[] payload);

    /** The link closed; called exactly once per link that was up. */
    default void onLinkDown(Link link, CloseReason reason) {
    }
}
