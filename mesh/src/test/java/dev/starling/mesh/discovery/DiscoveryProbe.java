package dev.starling.mesh.discovery;

import java.time.Duration;
import java.util.List;

/**
 * A discovery node in its own process, for {@link DiscoveryNamespaceTest}: runs in a network namespace,
 * beacons a TCP port on one interface and prints {@code ready <epoch ms>} and then one line
 * {@code peer <address> <port> <epoch ms>} per announcement. Arguments: interface, TCP port, run time in ms.
 */
public final class DiscoveryProbe {
    private DiscoveryProbe() {
    }

    public static void main(String[] args) throws Exception {
        DiscoveryConfig config = DiscoveryConfig.defaults().withInterfaces(List.of(args[0]))
                .withInterval(Duration.ofSeconds(1));
        try (Discovery discovery = Discovery.start(config, Integer.parseInt(args[1]), peer -> {
            System.out.println("peer " + peer.linkAddress().getAddress().getHostAddress() + " "
                    + peer.linkAddress().getPort() + " " + System.currentTimeMillis());
            System.out.flush();
        })) {
            System.out.println("ready " + System.currentTimeMillis());
            System.out.flush();
            Thread.sleep(Long.parseLong(args[2]));
        }
    }
}
