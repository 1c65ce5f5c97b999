package dev.starling.mesh.routing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One router under test, with scripted neighbours that record what it sends them. */
final class Harness implements RouterEvents {
    final Ed25519SeqnoAuth auth;
    final Router router;
    final Map<PeerKey, List<byte[]>> sent = new HashMap<>();
    final List<String> events = new ArrayList<>();
    final List<Packet.Data> undeliverable = new ArrayList<>();
    final List<byte[]> delivered = new ArrayList<>();
    long now = 1_000;

    Harness(int n) {
        this(n, RoutingConfig.defaults());
    }

    Harness(int n, RoutingConfig config) {
        auth = TestKeys.auth(n);
        router = new Router(auth, config, this, 0);
    }

    PeerKey self() {
        return auth.self();
    }

    void up(PeerKey k) {
        sent.put(k, new ArrayList<>());
        router.neighbourUp(new Neighbour() {
            @Override
            public PeerKey key() {
                return k;
            }

            @Override
            public void send(byte[] frame) {
                sent.get(k).add(frame);
            }
        }, now);
    }

    void from(PeerKey k, Packet p) {
        router.receive(k, PacketCodec.encode(p), now);
    }

    /** An update from {@code neighbour} announcing itself (metric 0, its own signature). */
    void announce(Ed25519SeqnoAuth neighbour, int seqno) {
        from(neighbour.self(), new Packet.Update(List.of(new Packet.RouteEntry(neighbour.self(), seqno, 0, neighbour.signOwn(seqno)))));
    }

    /** An update from {@code via} relaying {@code source}'s route (signed by the source). */
    void relay(PeerKey via, Ed25519SeqnoAuth source, int seqno, int metric) {
        from(via, new Packet.Update(List.of(new Packet.RouteEntry(source.self(), seqno, metric, source.signOwn(seqno)))));
    }

    /** Every packet sent to {@code k} since the last call, decoded. */
    List<Packet> drain(PeerKey k) {
        List<Packet> out = new ArrayList<>();
        for (byte[] f : sent.get(k)) {
            try {
                out.add(PacketCodec.decode(f));
            } catch (MalformedPacketException e) {
                throw new AssertionError(e);
            }
        }
        sent.get(k).clear();
        return out;
    }

    void advance(long millis) {
        long until = now + millis;
        while (true) {
            long next = router.nextWakeup(now);
            if (next > until) {
                break;
            }
            now = Math.max(now, next);
            router.tick(now);
            if (next == now && router.nextWakeup(now) == now) {
                now++;
            }
        }
        now = until;
        router.tick(now);
    }

    @Override
    public void deliver(PeerKey origin, MessageId id, byte[] payload, int hops, long t) {
        delivered.add(payload);
        events.add("deliver " + hops);
    }

    @Override
    public void undeliverable(Packet.Data packet, long t) {
        undeliverable.add(packet);
        events.add("undeliverable");
    }

    @Override
    public void reachable(PeerKey destination, long t) {
        events.add("reachable " + destination);
    }

    @Override
    public void hopAcknowledged(MessageId id, long t) {
        events.add("acked");
    }
}
