package dev.starling.mesh.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The beacon filter under floods, with a virtual clock. */
class BeaconFilterTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private final DiscoveryConfig config = DiscoveryConfig.defaults();
    private final Beacon mine = new Beacon(9000, token(0xAAAA));

    private static byte[] token(int n) {
        return ByteBuffer.allocate(Beacon.TOKEN_BYTES).putInt(12, n).array();
    }

    private static InetAddress address(int n) throws Exception {
        return InetAddress.getByAddress(ByteBuffer.allocate(4).putInt(0x0a000000 | n).array());
    }

    private BeaconFilter filter() {
        return new BeaconFilter(config, b -> b.equals(mine), 0);
    }

    private static boolean offer(BeaconFilter filter, InetAddress from, Beacon beacon, long now) {
        byte[] wire = beacon.encode();
        return filter.accept(from, wire, 0, wire.length, now).isPresent();
    }

    @Test
    void aPeerIsAnnouncedWhenNewChangedOrOncePerExpiryPeriod() throws Exception {
        BeaconFilter filter = filter();
        InetAddress peer = address(2);
        Beacon beacon = new Beacon(7002, token(1));
        assertThat(offer(filter, peer, beacon, 0)).isTrue();
        for (int s = 1; s < 5; s++) {
            assertThat(offer(filter, peer, beacon, s * SECOND)).isFalse();
        }
        assertThat(filter.count(BeaconFilter.Outcome.KNOWN)).isEqualTo(4);
        assertThat(offer(filter, peer, new Beacon(7002, token(2)), 6 * SECOND)).as("rotated token").isTrue();
        assertThat(offer(filter, peer, new Beacon(7002, token(2)), 7 * SECOND)).isFalse();
        assertThat(offer(filter, peer, new Beacon(7002, token(2)), 16 * SECOND)).as("reminder each expiry period").isTrue();
        assertThat(offer(filter, peer, new Beacon(7002, token(2)), 17 * SECOND)).isFalse();
        assertThat(offer(filter, peer, new Beacon(7002, token(2)), 40 * SECOND)).as("back after expiry").isTrue();
    }

    @Test
    void ourOwnBeaconsAreIgnored() throws Exception {
        BeaconFilter filter = filter();
        assertThat(offer(filter, address(1), mine, 0)).isFalse();
        assertThat(filter.count(BeaconFilter.Outcome.OWN)).isEqualTo(1);
        assertThat(filter.sourceCount()).isZero();
    }

    @Test
    void aFloodFromOneSourceIsCutToItsRate() throws Exception {
        BeaconFilter filter = filter();
        InetAddress flooder = address(3);
        int announced = 0;
        // 10 seconds of 1,000 beacons a second, each with a fresh token (as if a new node every time).
        for (int i = 0; i < 10_000; i++) {
            if (offer(filter, flooder, new Beacon(7003, token(i)), i * SECOND / 1000)) {
                announced++;
            }
        }
        // Burst of 4, then 2 a second; and the whole host is capped at 200 datagrams a second.
        assertThat(announced).isLessThanOrEqualTo(4 + 2 * 10 + 1);
        assertThat(filter.sourceCount()).isEqualTo(1);
        assertThat(filter.count(BeaconFilter.Outcome.RATE_LIMITED_TOTAL)).isGreaterThan(7000);
    }

    @Test
    void aFloodFromManySpoofedSourcesCannotGrowMemoryOrDials() throws Exception {
        BeaconFilter filter = filter();
        int announced = 0;
        long now = 0;
        for (int i = 0; i < 100_000; i++) {
            now = i * SECOND / 10_000; // 10,000 a second for 10 s, every one from a new address
            if (offer(filter, address(i + 10), new Beacon(7000, token(i)), now)) {
                announced++;
            }
        }
        assertThat(filter.sourceCount()).isLessThanOrEqualTo(config.maxSources());
        // At most 10 announcements a second (burst 10) reach the listener, so at most that many dials.
        assertThat(announced).isLessThanOrEqualTo(10 + 10 * 10 + 1);
        assertThat(filter.count(BeaconFilter.Outcome.RATE_LIMITED_TOTAL)).isGreaterThan(90_000);

        // A genuine peer that arrives once the flood stopped and the table expired is still found.
        long later = now + config.peerExpiry().toNanos() + SECOND;
        assertThat(offer(filter, address(1_000_000), new Beacon(7777, token(-1)), later)).isTrue();
    }

    @Test
    void aFloodIsReportedForTheLogAtMostOncePerGap() throws Exception {
        BeaconFilter filter = filter();
        long gap = 10 * SECOND;
        assertThat(filter.dropReport(0, gap)).isEmpty();
        int reports = 0;
        for (int i = 0; i < 50_000; i++) {
            long now = i * SECOND / 1000; // 50 s of 1,000 junk datagrams a second
            filter.accept(address(5), new byte[3], 0, 3, now);
            if (filter.dropReport(now, gap).isPresent()) {
                reports++;
            }
        }
        assertThat(reports).isBetween(4, 6);
        assertThat(filter.dropReport(60 * SECOND, gap)).get().asString().contains("dropped=").contains("malformed=");
        assertThat(filter.dropReport(80 * SECOND, gap)).as("nothing new dropped").isEmpty();
    }

    @Test
    void malformedDatagramsAreCountedAndDropped() throws Exception {
        BeaconFilter filter = filter();
        byte[] junk = new byte[25];
        assertThat(filter.accept(address(4), junk, 0, junk.length, 0)).isEmpty();
        assertThat(filter.accept(address(4), junk, 0, 24, 0)).isEmpty();
        assertThat(filter.count(BeaconFilter.Outcome.MALFORMED)).isEqualTo(2);
        assertThat(filter.sourceCount()).isZero();
    }
}
