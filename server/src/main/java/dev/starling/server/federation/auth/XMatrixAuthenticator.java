package dev.starling.server.federation.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.crypto.JsonSignatures;
import dev.starling.protocol.crypto.VerifyKeyWithExpiry;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.server.federation.keys.KeyRing;
import dev.starling.server.http.ErrorCode;
import dev.starling.server.http.FederationAuthenticator;
import dev.starling.server.http.MatrixException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies inbound X-Matrix requests (Server-Server API § Request Authentication; SECURITY.md item 10): every
 * X-Matrix {@code Authorization} header must name the same origin and <em>this</em> server as destination
 * (a missing destination is refused too: every server since spec v1.3 sends it), and its signature over
 * {@code {method, uri, origin, destination, content}} must verify with a key of the origin valid now.
 * Every refusal is 401 M_UNAUTHORIZED with a reason that names no key material.
 */
public final class XMatrixAuthenticator implements FederationAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(XMatrixAuthenticator.class);

    private final ServerName self;
    private final KeyRing keyRing;
    private final Clock clock;
    private volatile java.util.function.Consumer<ServerName> onAuthenticated = origin -> { };
    private volatile java.util.function.Predicate<ServerName> refused = origin -> false;

    /**
     * Refuses (403 M_FORBIDDEN) every request whose origin {@code test} names, before its signature is checked
     * ({@code federation.ServerBlocks}: a server we do not federate with). Replaces the previous one.
     */
    public void refuseOrigins(java.util.function.Predicate<ServerName> test) {
        this.refused = java.util.Objects.requireNonNull(test, "test");
    }

    /**
     * Also tells {@code listener} the origin of every request that authenticated (the federation sender
     * flushes that destination's queue at once). Quick, must not throw. Replaces the previous one.
     */
    public void onAuthenticated(java.util.function.Consumer<ServerName> listener) {
        this.onAuthenticated = java.util.Objects.requireNonNull(listener, "listener");
    }

    public XMatrixAuthenticator(ServerName self, KeyRing keyRing, Clock clock) {
        this.self = self;
        this.keyRing = keyRing;
        this.clock = clock;
    }

    @Override
    public ServerName authenticate(SignedRequest request) {
        List<XMatrixHeader> headers = new ArrayList<>();
        for (String value : request.authorization()) {
            if (XMatrixHeader.isXMatrix(value)) {
                headers.add(XMatrixHeader.parse(value).orElseThrow(() -> refuse("malformed X-Matrix Authorization header")));
            }
        }
        if (headers.isEmpty()) {
            throw refuse("missing X-Matrix Authorization header");
        }
        ServerName origin = origin(headers.get(0).origin());
        if (refused.test(origin)) {
            LOG.info("federation request refused origin={} reason=blocked", origin);
            throw MatrixException.forbidden("federation with this server is blocked");
        }
        JsonNode content = content(request.body());
        for (XMatrixHeader header : headers) {
            if (!header.origin().equals(origin.value())) {
                throw refuse("X-Matrix headers name different origins");
            }
            String destination = header.destination().orElseThrow(() -> refuse("X-Matrix header without destination"));
            if (!destination.equals(self.value())) {
                throw refuse("X-Matrix destination is not this server");
            }
            verify(request, origin, header, content);
        }
        try {
            onAuthenticated.accept(origin);
        } catch (RuntimeException e) {
            LOG.warn("listener of authenticated origins failed origin={} error={}", origin, e.toString());
        }
        return origin;
    }

    private void verify(SignedRequest request, ServerName origin, XMatrixHeader header, JsonNode content) {
        KeyId keyId;
        try {
            keyId = KeyId.parse(header.key());
        } catch (InvalidIdentifierException e) {
            throw refuse("X-Matrix key is not a key ID");
        }
        Optional<VerifyKeyWithExpiry> key = keyRing.verifyKey(origin, keyId, clock.millis());
        if (key.isEmpty()) {
            LOG.info("federation request refused origin={} key_id={} reason=unknown_key", origin, keyId);
            throw refuse("no current key " + keyId + " of " + origin);
        }
        ObjectNode signed = RequestSigning.signedObject(request.method(), request.uri(), origin.value(), self.value(),
                content);
        signed.putObject("signatures").putObject(origin.value()).put(keyId.toString(), header.sig());
        try {
            JsonSignatures.verify(signed, origin.value(), key.get().key());
        } catch (RuntimeException e) {
            LOG.info("federation request refused origin={} key_id={} reason=bad_signature", origin, keyId);
            throw refuse("the X-Matrix signature does not verify");
        }
    }

    private static ServerName origin(String value) {
        try {
            return ServerName.parse(value);
        } catch (InvalidIdentifierException e) {
            throw refuse("X-Matrix origin is not a server name");
        }
    }

    /** The body as JSON (null when empty); a body that is not JSON is refused as such. */
    private static JsonNode content(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        return CanonicalJson.parse(body);
    }

    private static MatrixException refuse(String why) {
        return new MatrixException(ErrorCode.M_UNAUTHORIZED, why);
    }
}
