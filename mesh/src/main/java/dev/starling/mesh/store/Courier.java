package dev.starling.mesh.store;

import dev.starling.mesh.routing.MessageId;
import dev.starling.mesh.routing.Packet;
import dev.starling.mesh.routing.PeerKey;
import dev.starling.mesh.routing.Router;
import dev.starling.mesh.routing.RouterEvents;
import java.util.random.RandomGenerator;

/**
 * Store-and-forward over a {@link Router}: what cannot be passed on now is held in the {@link MessageStore}
 * and sent the moment the router reports a route to its destination ({@link #reachable}: an event, not a
 * retry timer); what arrives is deduplicated by message ID ({@link SeenIds}) before the {@link Inbox} sees it.
 *
 * <p>Custody: a message is written to the store before it is first sent and removed only when the next hop
 * acknowledges it, so a crash at the origin loses nothing. At a relay, a packet is held in memory from its
 * acknowledgement until the next hop's, and written to the store only if it cannot be passed on.
 * Not thread-safe: call on the router's thread.
 */
public final class Courier implements RouterEvents {
    /** Where delivered messages go: federation in a node, the metrics in the simulator. */
    public interface Inbox {
        void receive(PeerKey origin, MessageId id, byte[] payload, int hops, long now);
    }

    /** A safety net only: held messages for destinations with a route are retried this often. */
    static final long SWEEP_INTERVAL_MILLIS = 30_000;

    private final MessageStore store;
    private final SeenIds seen;
    private final Inbox inbox;
    private final RandomGenerator random;
    private Router router;
    private long nextSweep;

    public Courier(MessageStore store, SeenIds seen, Inbox inbox, RandomGenerator random) {
        this.store = store;
        this.seen = seen;
        this.inbox = inbox;
        this.random = random;
    }

    /** Connects the router this courier listens to (built with this courier as its {@link RouterEvents}). */
    public void attach(Router r) {
        this.router = r;
    }

    /** Sends {@code payload} to {@code destination}, holding it until a next hop has it. */
    public MessageId send(PeerKey destination, byte[] payload, long now) {
        MessageId id = MessageId.random(random);
        Packet.Data packet = new Packet.Data(0, router.config().hopLimit(), id, router.self(), destination, payload);
        if (destination.equals(router.self())) {
            router.send(destination, id, payload, now);
            return id;
        }
        store.put(packet, now);
        flush(destination, now);
        return id;
    }

    /** Expires old messages and, rarely, retries held messages whose destination has a route. */
    public void tick(long now) {
        store.expire(now);
        if (now >= nextSweep) {
            nextSweep = now + SWEEP_INTERVAL_MILLIS;
            for (PeerKey d : store.destinations()) {
                if (router.route(d).isPresent()) {
                    flush(d, now);
                }
            }
        }
    }

    public long nextWakeup(long now) {
        return Math.max(now, nextSweep);
    }

    public MessageStore store() {
        return store;
    }

    private void flush(PeerKey destination, long now) {
        for (Packet.Data p : store.pendingFor(destination)) {
            store.markInFlight(p.id(), true);
            if (!router.resend(p, now)) {
                store.markInFlight(p.id(), false);
                return;
            }
        }
    }

    @Override
    public void deliver(PeerKey origin, MessageId id, byte[] payload, int hops, long now) {
        if (seen.firstSight(id, now)) {
            inbox.receive(origin, id, payload, hops, now);
        }
    }

    @Override
    public void undeliverable(Packet.Data packet, long now) {
        if (store.holds(packet.id())) {
            store.markInFlight(packet.id(), false);
        } else {
            store.put(packet, now);
        }
    }

    @Override
    public void reachable(PeerKey destination, long now) {
        flush(destination, now);
    }

    @Override
    public void hopAcknowledged(MessageId id, long now) {
        store.remove(id);
    }
}
