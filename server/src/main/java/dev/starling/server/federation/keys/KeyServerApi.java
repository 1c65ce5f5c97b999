package dev.starling.server.federation.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.id.ServerName;
import dev.starling.server.http.MatrixException;
import dev.starling.server.http.MatrixRequest;
import dev.starling.server.http.MatrixResponse;
import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/** The key server: our own keys, and the notary endpoints that answer for other servers. */
public final class KeyServerApi {
    /** The most servers one notary query may ask for (each may cost a fetch). */
    public static final int MAX_SERVERS_PER_QUERY = 100;

    private final OwnKeys own;
    private final KeyRing keyRing;
    private final Clock clock;

    public KeyServerApi(OwnKeys own, KeyRing keyRing, Clock clock) {
        this.own = own;
        this.keyRing = keyRing;
        this.clock = clock;
    }

    /** GET /_matrix/key/v2/server — Server-Server API § Publishing Keys. */
    public MatrixResponse server(MatrixRequest request) {
        return MatrixResponse.ok(own.signedDocument());
    }

    /** POST /_matrix/key/v2/query — Server-Server API § Querying Keys Through Another Server. */
    public MatrixResponse query(MatrixRequest request) {
        ObjectNode body = request.jsonBody();
        JsonNode serverKeys = body.get("server_keys");
        if (!(serverKeys instanceof ObjectNode wanted)) {
            throw MatrixException.badJson("server_keys must be an object");
        }
        if (wanted.size() > MAX_SERVERS_PER_QUERY) {
            throw MatrixException.invalidParam("server_keys", "at most " + MAX_SERVERS_PER_QUERY + " servers");
        }
        ArrayNode answer = JsonNodeFactory.instance.arrayNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = wanted.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            ServerName server = serverName(entry.getKey());
            if (!(entry.getValue() instanceof ObjectNode keys)) {
                throw MatrixException.badJson("server_keys." + entry.getKey() + " must be an object");
            }
            long minimum = 0;
            for (Iterator<Map.Entry<String, JsonNode>> k = keys.fields(); k.hasNext(); ) {
                Map.Entry<String, JsonNode> criteria = k.next();
                keyId(criteria.getKey());
                JsonNode min = criteria.getValue().get("minimum_valid_until_ts");
                if (min != null) {
                    if (!min.isIntegralNumber()) {
                        throw MatrixException.badJson("minimum_valid_until_ts must be an integer");
                    }
                    minimum = Math.max(minimum, min.asLong());
                }
            }
            documentFor(server, minimum).ifPresent(answer::add);
        }
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.set("server_keys", answer);
        return MatrixResponse.ok(result);
    }

    /** GET /_matrix/key/v2/query/{serverName} — Server-Server API § Querying Keys Through Another Server. */
    public MatrixResponse queryServer(MatrixRequest request) {
        ServerName server = serverName(request.pathParam("serverName"));
        long minimum = 0;
        Optional<String> min = request.queryParam("minimum_valid_until_ts");
        if (min.isPresent()) {
            try {
                minimum = Long.parseLong(min.get());
            } catch (NumberFormatException e) {
                throw MatrixException.invalidParam("minimum_valid_until_ts", "not an integer");
            }
        }
        ArrayNode answer = JsonNodeFactory.instance.arrayNode();
        documentFor(server, minimum).ifPresent(answer::add);
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.set("server_keys", answer);
        return MatrixResponse.ok(result);
    }

    /** The server's own signed document with our signature added; ours is simply our current document. */
    private Optional<ObjectNode> documentFor(ServerName server, long minimumValidUntilTs) {
        if (server.equals(own.serverName())) {
            return Optional.of(own.signedDocument());
        }
        return keyRing.document(server, minimumValidUntilTs).map(k -> own.countersign(k.signedJson()));
    }

    private static ServerName serverName(String value) {
        try {
            return ServerName.parse(value);
        } catch (InvalidIdentifierException e) {
            throw MatrixException.invalidParam("serverName", "not a server name");
        }
    }

    private static void keyId(String value) {
        try {
            KeyId.parse(value);
        } catch (InvalidIdentifierException e) {
            throw MatrixException.invalidParam("key_id", "not a key ID");
        }
    }
}
