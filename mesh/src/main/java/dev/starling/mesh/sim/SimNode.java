package dev.starling.mesh.sim;

import dev.starling.mesh.routing.Ed25519SeqnoAuth;
import dev.starling.mesh.routing.PeerKey;
import dev.starling.mesh.routing.Router;
import dev.starling.mesh.store.Courier;
import dev.starling.mesh.store.MessageStore;
import dev.starling.mesh.store.SeenIds;

/** One simulated node: the real {@link Router} and {@link Courier} over simulated links. */
public final class SimNode {
    final int index;
    final Ed25519SeqnoAuth auth;
    Router router;
    Courier courier;
    MessageStore store;
    SeenIds seen;
    boolean on = true;
    double x;
    double y;
    long scheduledWake = Long.MAX_VALUE;

    SimNode(int index, Ed25519SeqnoAuth auth) {
        this.index = index;
        this.auth = auth;
    }

    public int index() {
        return index;
    }

    public PeerKey key() {
        return auth.self();
    }

    public Router router() {
        return router;
    }

    public Courier courier() {
        return courier;
    }

    public boolean on() {
        return on;
    }
}
