package dev.starling.mesh.node;

import dev.starling.mesh.identity.NodeId;

/**
 * Where a {@link MeshNode} hands the payloads addressed to it, once each (deduplicated by message ID, also
 * across restarts). Called on the node's delivery thread, one payload at a time, in arrival order; it may
 * block without stalling routing, but everything after it waits.
 */
@FunctionalInterface
public interface MeshReceiver {
    void receive(NodeId source, byte[] payload);
}
