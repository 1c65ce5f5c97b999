package dev.starling.mesh.node;

import dev.starling.mesh.identity.NodeId;
import dev.starling.mesh.routing.MessageId;
import dev.starling.mesh.routing.Packet;
import dev.starling.mesh.routing.PeerKey;
import dev.starling.mesh.routing.RouterEvents;
import dev.starling.mesh.store.Courier;

/**
 * The router's events as the {@link Courier} takes them, plus telling the node's owner
 * ({@link MeshNodeEvents#reachable}) when a destination becomes reachable — after the courier has flushed
 * what it held for it. Loop thread only.
 */
final class Reachability implements RouterEvents {
    private static final System.Logger LOG = System.getLogger(Reachability.class.getName());

    private final Courier courier;
    private final MeshNodeEvents events;

    Reachability(Courier courier, MeshNodeEvents events) {
        this.courier = courier;
        this.events = events;
    }

    @Override
    public void deliver(PeerKey origin, MessageId id, byte[] payload, int hops, long now) {
        courier.deliver(origin, id, payload, hops, now);
    }

    @Override
    public void undeliverable(Packet.Data packet, long now) {
        courier.undeliverable(packet, now);
    }

    @Override
    public void reachable(PeerKey destination, long now) {
        courier.reachable(destination, now);
        try {
            events.reachable(new NodeId(destination.bytes()));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "event=mesh_events_failed error={0}", e.toString());
        }
    }

    @Override
    public void hopAcknowledged(MessageId id, long now) {
        courier.hopAcknowledged(id, now);
    }
}
