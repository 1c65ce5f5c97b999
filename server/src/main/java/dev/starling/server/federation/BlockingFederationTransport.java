package dev.starling.server.federation;

import dev.starling.protocol.id.ServerName;
import dev.starling.server.federation.net.OutboundException;
import java.util.Map;

/**
 * A {@link FederationTransport} that refuses to carry requests to the servers {@link ServerBlocks} names (an
 * {@link OutboundException} {@code BLOCKED}, the same failure as an unreachable server: nothing is sent) and
 * hands every other request to the transport it wraps.
 */
final class BlockingFederationTransport implements FederationTransport {
    private final FederationTransport delegate;
    private final ServerBlocks blocks;

    BlockingFederationTransport(FederationTransport delegate, ServerBlocks blocks) {
        this.delegate = delegate;
        this.blocks = blocks;
    }

    @Override
    public Answer send(ServerName destination, String method, String uri, Map<String, String> headers, byte[] body,
            long maxBytes) {
        if (blocks.isBlocked(destination)) {
            throw new OutboundException(OutboundException.Problem.BLOCKED, "federation with " + destination
                    + " is blocked");
        }
        return delegate.send(destination, method, uri, headers, body, maxBytes);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
