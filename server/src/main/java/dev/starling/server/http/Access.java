package dev.starling.server.http;

/** Whether a route needs an access token (Client-Server API § Client Authentication). */
public enum Access {
    /** No token is looked at; a token sent anyway is ignored. */
    PUBLIC,
    /** A token is checked if sent (an unknown one is refused), but none is needed. */
    OPTIONAL,
    /** A valid token is needed: none is 401 M_MISSING_TOKEN, an unknown one 401 M_UNKNOWN_TOKEN. */
    REQUIRED,
    /**
     * Server-Server API § Request Authentication: the request must carry a valid X-Matrix {@code Authorization}
     * header, checked by the {@link FederationAuthenticator}; the handler gets the origin server
     * ({@link MatrixRequest#requireOrigin()}) instead of a device.
     */
    FEDERATION
}
