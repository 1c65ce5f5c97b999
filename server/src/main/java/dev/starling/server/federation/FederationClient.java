package dev.starling.server.federation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.server.federation.auth.RequestSigning;
import dev.starling.server.federation.keys.OwnKeys;
import dev.starling.server.federation.net.OutboundException;
import java.util.Map;

/**
 * Outbound federation requests as JSON: signs each with X-Matrix (method, URI, origin, destination, body)
 * and sends it over the {@link FederationTransport}.
 */
public final class FederationClient {
    private final OwnKeys own;
    private final FederationTransport transport;
    private final long maxResponseBytes;

    public FederationClient(OwnKeys own, FederationTransport transport, long maxResponseBytes) {
        this.own = own;
        this.transport = transport;
        this.maxResponseBytes = maxResponseBytes;
    }

    /** A non-2xx answer from a remote server, with its errcode when it sent one. */
    public static final class RemoteError extends RuntimeException {
        private final int status;
        private final String errcode;

        RemoteError(ServerName server, int status, String errcode) {
            super(server + " answered " + status + (errcode == null ? "" : " " + errcode));
            this.status = status;
            this.errcode = errcode;
        }

        public int status() {
            return status;
        }

        public String errcode() {
            return errcode;
        }
    }

    /**
     * Sends a signed request and parses the answer as a JSON object.
     *
     * @param uri the raw path and query, percent-encoded as it goes on the wire
     * @param body the JSON body, or null for none
     * @throws OutboundException when no answer came; {@link RemoteError} for a non-2xx status; a
     *     {@code MatrixException} (M_NOT_JSON / M_BAD_JSON) for an answer that is not a JSON object
     */
    public ObjectNode request(ServerName destination, String method, String uri, ObjectNode body) {
        String authorization = RequestSigning.authorization(own.signingKey(), own.serverName(), destination, method,
                uri, body);
        byte[] bytes = body == null ? null : CanonicalJson.encode(body);
        Map<String, String> headers = bytes == null ? Map.of("Authorization", authorization)
                : Map.of("Authorization", authorization, "Content-Type", "application/json");
        FederationTransport.Answer answer = transport.send(destination, method, uri, headers, bytes, maxResponseBytes);
        if (answer.status() / 100 != 2) {
            String errcode = null;
            try {
                errcode = CanonicalJson.parseObject(answer.body()).path("errcode").asText(null);
            } catch (RuntimeException notJson) {
                // an error page: no errcode
            }
            throw new RemoteError(destination, answer.status(), errcode);
        }
        try {
            return CanonicalJson.parseObject(answer.body());
        } catch (RuntimeException e) {
            throw new OutboundException(OutboundException.Problem.BAD_RESPONSE,
                    destination + " answered with something that is not a JSON object", e);
        }
    }

    public ObjectNode get(ServerName destination, String uri) {
        return request(destination, "GET", uri, null);
    }
}
