package dev.starling.server.federation;

import dev.starling.server.federation.sender.Backoff;
import dev.starling.server.storage.Backend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Several whole federating servers ({@link OutboundFedClient}: generous rate limits, a short backoff) on loopback, for tests outside this package (the real-client tests):
 * each server's client base URL and name. Closing stops them all.
 */
public final class LoopbackFederation implements AutoCloseable {
    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2));

    private final List<OutboundFedClient> servers;

    private LoopbackFederation(List<OutboundFedClient> servers) {
        this.servers = servers;
    }

    public static LoopbackFederation start(Backend backend, int count) {
        List<OutboundFedClient> started = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                started.add(OutboundFedClient.start(backend, BACKOFF));
            }
            return new LoopbackFederation(started);
        } catch (RuntimeException e) {
            started.forEach(OutboundFedClient::close);
            throw e;
        }
    }

    /** The client base URL of the i-th server, e.g. {@code http://127.0.0.1:41234}. */
    public String url(int i) {
        return "http://" + servers.get(i).name().value();
    }

    public String serverName(int i) {
        return servers.get(i).name().value();
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (OutboundFedClient server : servers) {
            try {
                server.close();
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
