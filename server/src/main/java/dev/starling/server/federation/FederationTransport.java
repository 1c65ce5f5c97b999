package dev.starling.server.federation;

import dev.starling.protocol.id.ServerName;
import dev.starling.server.federation.net.OutboundException;
import java.util.Map;

/**
 * Carries one federation request to a server and brings back its answer. The homeserver never knows how:
 * {@link HttpsFederationTransport} resolves the name and speaks HTTPS; a P2P mesh can carry the same
 * requests over its own links later. Requests arrive here already signed (the {@code Authorization} header
 * is in {@code headers}).
 */
public interface FederationTransport extends AutoCloseable {
    /** An answer: HTTP status and raw body. */
    record Answer(int status, byte[] body) {}

    /**
     * Sends {@code method uri} (raw path and query) with an optional JSON body to {@code destination}.
     *
     * @param maxBytes the largest answer body accepted
     * @throws OutboundException when no answer came within the limits
     */
    Answer send(ServerName destination, String method, String uri, Map<String, String> headers, byte[] body,
            long maxBytes);

    @Override
    void close();
}
