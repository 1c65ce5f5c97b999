package dev.starling.server.federation;

import dev.starling.protocol.id.ServerName;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Servers this one refuses to federate with, both ways, changeable at run time: outbound requests to them fail
 * in {@link BlockingFederationTransport} before any connection is made (as if they were down, so the sender
 * keeps their queue and backs off), and inbound requests they sign are refused by the X-Matrix check (403
 * {@code M_FORBIDDEN}). Empty by default. Tests cut a network partition with it; an operator could use it to
 * stop federating with a server. Thread-safe.
 */
public final class ServerBlocks {
    private final Set<ServerName> blocked = ConcurrentHashMap.newKeySet();

    public void block(ServerName server) {
        blocked.add(Objects.requireNonNull(server, "server"));
    }

    public void unblock(ServerName server) {
        blocked.remove(server);
    }

    public boolean isBlocked(ServerName server) {
        return !blocked.isEmpty() && blocked.contains(server);
    }
}
