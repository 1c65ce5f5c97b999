package dev.starling.mesh.routing;

/**
 * What the router tells the layer above it (store-and-forward, then federation). Called on the router's
 * thread, after the router's own state is consistent, so an implementation may call back into the router
 * (for example {@link Router#send} from {@link #reachable}).
 */
public interface RouterEvents {
    /**
     * A data packet for this node arrived. {@code hops} is how many links it crossed (assuming its
     * origin used the same hop limit). The same {@code id} can arrive more than once: deduplicate.
     */
    void deliver(PeerKey origin, MessageId id, byte[] payload, int hops, long now);

    /**
     * A packet this node holds could not be passed on: there is no route to its destination, or the
     * next hop did not acknowledge it after every retransmission. The caller now has custody (store it).
     */
    void undeliverable(Packet.Data packet, long now);

    /**
     * A route to {@code destination} now exists where there was none, or moved to another next hop:
     * deliver what is held for it.
     */
    void reachable(PeerKey destination, long now);

    /** The next hop acknowledged the packet with this id: custody has passed on. */
    void hopAcknowledged(MessageId id, long now);
}
