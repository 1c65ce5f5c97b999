package dev.starling.mesh.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

class BeaconFuzzTest {
    private final BeaconFilter filter = new BeaconFilter(DiscoveryConfig.defaults(), b -> false, 0);
    private long now;

    /** Any datagram parses to a beacon that re-encodes to the same bytes, or is refused; the filter never throws. */
    @FuzzTest(maxDuration = "60s")
    void datagramsParseExactlyOrAreRefused(byte[] datagram) throws UnknownHostException {
        Optional<Beacon> beacon = Beacon.parse(datagram, 0, datagram.length);
        beacon.ifPresent(b -> assertThat(b.encode()).isEqualTo(datagram));
        byte[] source = {10, 0, 0, datagram.length == 0 ? 0 : datagram[0]};
        now += 1_000_000;
        filter.accept(InetAddress.getByAddress(source), datagram, 0, datagram.length, now);
        assertThat(filter.sourceCount()).isLessThanOrEqualTo(DiscoveryConfig.defaults().maxSources());
    }
}
