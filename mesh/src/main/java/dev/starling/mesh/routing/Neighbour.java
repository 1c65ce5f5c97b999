package dev.starling.mesh.routing;

/**
 * The one thing routing needs from the link layer: a directly connected, authenticated neighbour that
 * frames can be sent to. The link layer ({@code dev.starling.mesh.link.Link}) adapts to it at the seam:
 *
 * <ul>
 *   <li>when a link is authenticated: {@code router.neighbourUp(neighbour, now)}, where {@link #key()} is
 *       the key the link's handshake proved;</li>
 *   <li>for every frame received on it: {@code router.receive(neighbour.key(), frame, now)};</li>
 *   <li>when it closes or its keepalive times out: {@code router.neighbourDown(key, now)}.</li>
 * </ul>
 *
 * <p>{@link #send} must not block on the network and must not call back into the router; a link that
 * cannot take a frame now may drop it (data frames are acknowledged and retransmitted per hop, routing
 * state is reconciled by periodic summaries).
 */
public interface Neighbour {
    /** The neighbour's key, as proven by the link's handshake. */
    PeerKey key();

    /** Queues one frame (an encoded {@link Packet}) for the neighbour. */
    void send(byte[] frame);
}
