package dev.starling.server.http;

import dev.starling.protocol.id.ServerName;
import java.util.List;

/**
 * Checks the X-Matrix signature of a request to an {@link Access#FEDERATION} route (Server-Server API §
 * Request Authentication) and names the server that sent it. The federation package implements it; the
 * dispatcher calls it before the handler, with the body already read within the route's limit.
 */
@FunctionalInterface
public interface FederationAuthenticator {
    /**
     * The origin server of a correctly signed request.
     *
     * @throws MatrixException 401 M_UNAUTHORIZED when the header is missing or malformed, the destination is
     *     not this server, the key is unknown or the signature does not verify; 403 M_FORBIDDEN when the
     *     origin is not allowed to talk to this server
     */
    ServerName authenticate(SignedRequest request);

    /**
     * What the signature covers, as received.
     *
     * @param method the HTTP method
     * @param uri the request target as sent: raw path and query string
     * @param authorization every {@code Authorization} header value
     * @param body the raw body (empty when there is none)
     */
    record SignedRequest(String method, String uri, List<String> authorization, byte[] body) {
        public SignedRequest {
            authorization = List.copyOf(authorization);
        }
    }

    /** Refuses every request: federation routes on a server that does not federate. */
    static FederationAuthenticator none() {
        return request -> {
            throw new MatrixException(ErrorCode.M_UNAUTHORIZED, "this server does not accept federation requests");
        };
    }
}
