package dev.starling.mesh.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.mesh.routing.MessageId;
import dev.starling.mesh.routing.RoutingConfig;
import dev.starling.mesh.store.StoreConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The courier over real routers: held while unreachable, sent the moment a route appears, delivered once. */
class StoreAndForwardTest {
    private record Arrival(int at, MessageId id, long time, int hops) {}

    private final List<Arrival> arrivals = new ArrayList<>();

    private SimNetwork chain(Path dir, int n) {
        SimNetwork net = new SimNetwork(new Simulator(), LinkModel.defaults().withLoss(0), RoutingConfig.defaults(),
                StoreConfig.defaults().withSync(false), dir, 7);
        net.inbox((at, origin, id, payload, hops, now) -> arrivals.add(new Arrival(at.index(), id, now, hops)));
        for (int i = 0; i < n; i++) {
            net.addNode();
        }
        return net;
    }

    @Test
    void aMessageForAnUnreachableNodeIsHeldAndDeliveredAsSoonAsARouteAppears(@TempDir Path dir) {
        SimNetwork net = chain(dir, 4);
        net.connectNow(0, 1);
        net.connectNow(1, 2);
        net.sim().runUntil(5_000);
        MessageId id = net.send(net.nodes().get(0), net.nodes().get(3).key(), "hello".getBytes());
        net.sim().runUntil(20_000);
        assertThat(arrivals).isEmpty();
        assertThat(net.nodes().get(0).courier().store().count()).isEqualTo(1);

        net.connectNow(2, 3); // node 3 reappears at t = 20 s; the courier's safety sweep runs only every 30 s
        long appeared = net.sim().now();
        net.sim().runUntil(appeared + 1_000);
        assertThat(arrivals).hasSize(1);
        assertThat(arrivals.get(0).id()).isEqualTo(id);
        assertThat(arrivals.get(0).hops()).isEqualTo(3);
        assertThat(arrivals.get(0).time() - appeared).as("delivered on the route event, not a timer").isLessThan(500);
        net.sim().runUntil(appeared + 5_000);
        assertThat(net.nodes().get(0).courier().store().count()).as("custody released on the hop ack").isZero();
        net.close();
    }

    @Test
    void aRelayThatLosesTheRouteKeepsCustodyAndDeliversWhenTheDestinationReturns(@TempDir Path dir) {
        SimNetwork net = chain(dir, 3);
        net.connectNow(0, 1);
        net.connectNow(1, 2);
        net.sim().runUntil(5_000);
        net.cutNow(1, 2);
        // Node 0 still believes in a route for an instant: send right at the cut.
        net.send(net.nodes().get(0), net.nodes().get(2).key(), "x".getBytes());
        net.sim().runUntil(10_000);
        assertThat(arrivals).isEmpty();
        long held = net.nodes().get(0).courier().store().count() + net.nodes().get(1).courier().store().count();
        assertThat(held).isEqualTo(1);
        net.connectNow(1, 2);
        net.sim().runUntil(11_000);
        assertThat(arrivals).hasSize(1);
        net.close();
    }

    @Test
    void theSameMessageArrivingTwiceIsDeliveredOnce(@TempDir Path dir) {
        SimNetwork net = chain(dir, 2);
        net.connectNow(0, 1);
        net.sim().runUntil(2_000);
        SimNode b = net.nodes().get(1);
        MessageId id = MessageId.random(new java.util.SplittableRandom(1));
        b.courier().deliver(net.nodes().get(0).key(), id, new byte[] {1}, 1, 3_000);
        b.courier().deliver(net.nodes().get(0).key(), id, new byte[] {1}, 2, 3_001);
        assertThat(arrivals).hasSize(1);
        net.close();
    }
}
