package dev.starling.mesh.node;

import dev.starling.mesh.identity.NodeId;
import dev.starling.mesh.link.CloseReason;
import dev.starling.mesh.link.Link;

/**
 * What a {@link MeshNode} tells its owner besides delivered payloads: neighbours coming and going (for the
 * operator) and destinations becoming reachable (so a layer above with its own retry queue, such as
 * federation, can send at once instead of after its backoff). Called on the node's loop thread after the
 * router's state is updated: an implementation must return quickly and must not block (hand work to a thread
 * of its own).
 */
public interface MeshNodeEvents {
    /** No one listening. */
    MeshNodeEvents NONE = new MeshNodeEvents() { };

    /** A link to {@code node} is up (a replaced link to the same node is reported again). */
    default void neighbourUp(NodeId node, Link link) {
    }

    /** The current link to {@code node} went down. */
    default void neighbourDown(NodeId node, CloseReason reason) {
    }

    /**
     * A route to {@code node} now exists where there was none, or moved to another next hop — over any number
     * of hops, a direct link included.
     */
    default void reachable(NodeId node) {
    }
}
