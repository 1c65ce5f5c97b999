package dev.starling.server.federation.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.crypto.JsonSignatures;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.id.ServerName;

/**
 * The JSON object an X-Matrix signature covers (Server-Server API § Request Authentication):
 * {@code {method, uri, origin, destination, content?}}, and signing it for an outbound request.
 */
public final class RequestSigning {
    private RequestSigning() {}

    /** The object to sign or verify; {@code content} is left out when the request has no body (null). */
    public static ObjectNode signedObject(String method, String uri, String origin, String destination,
            JsonNode content) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("method", method);
        json.put("uri", uri);
        json.put("origin", origin);
        json.put("destination", destination);
        if (content != null) {
            json.set("content", content);
        }
        return json;
    }

    /** The {@code Authorization} header value for a request from {@code origin} signed with {@code key}. */
    public static String authorization(SigningKey key, ServerName origin, ServerName destination, String method,
            String uri, JsonNode content) {
        ObjectNode signed = JsonSignatures.sign(signedObject(method, uri, origin.value(), destination.value(), content),
                origin.value(), key);
        String sig = signed.path("signatures").path(origin.value()).path(key.keyId().toString()).asText();
        return new XMatrixHeader(origin.value(), java.util.Optional.of(destination.value()), key.keyId().toString(), sig)
                .format();
    }
}
