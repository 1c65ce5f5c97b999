package dev.starling.server.federation;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.server.http.MatrixRequest;
import dev.starling.server.http.MatrixResponse;

/** Federation endpoints about this server itself. */
public final class FederationApi {
    /** GET /_matrix/federation/v1/version — Server-Server API § Server Implementation. */
    public MatrixResponse version(MatrixRequest request) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        String version = FederationApi.class.getPackage().getImplementationVersion();
        body.putObject("server").put("name", "Starling").put("version", version == null ? "dev" : version);
        return MatrixResponse.ok(body);
    }
}
