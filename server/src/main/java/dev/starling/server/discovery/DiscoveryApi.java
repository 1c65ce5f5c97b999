package dev.starling.server.discovery;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.rooms.RoomVersion;
import dev.starling.server.http.MatrixRequest;
import dev.starling.server.http.MatrixResponse;
import java.net.URI;
import java.util.Objects;

/**
 * Server discovery, API versions and capabilities: what a client asks before it logs in. The answers are
 * fixed at start, so they are built once.
 */
public final class DiscoveryApi {
    private final ObjectNode wellKnown;
    private final ObjectNode versions;
    private final ObjectNode capabilities;

    /** @param baseUrl the public URL clients reach this server's Client-Server API at */
    public DiscoveryApi(URI baseUrl) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        if (!baseUrl.isAbsolute() || !(baseUrl.getScheme().equals("https") || baseUrl.getScheme().equals("http"))) {
            throw new IllegalArgumentException("the base URL is an absolute http(s) URL, got " + baseUrl);
        }
        JsonNodeFactory json = JsonNodeFactory.instance;
        wellKnown = json.objectNode();
        wellKnown.putObject("m.homeserver").put("base_url", baseUrl.toString());

        versions = json.objectNode();
        SpecVersions.ADVERTISED.forEach(versions.putArray("versions")::add);
        versions.putObject("unstable_features");

        capabilities = json.objectNode();
        ObjectNode caps = capabilities.putObject("capabilities");
        ObjectNode roomVersions = caps.putObject("m.room_versions");
        roomVersions.put("default", RoomVersion.DEFAULT.id());
        ObjectNode available = roomVersions.putObject("available");
        for (RoomVersion version : RoomVersion.values()) {
            available.put(version.id(), "stable");
        }
        // Not implemented yet: say so rather than let clients assume the spec's default of "enabled".
        caps.putObject("m.change_password").put("enabled", true);
        caps.putObject("m.3pid_changes").put("enabled", false);
        caps.putObject("m.get_login_token").put("enabled", false);
    }

    /**
     * GET /.well-known/matrix/client — Client-Server API § Server Discovery, "Well-known URIs".
     * Only useful when this server also answers on the server name's host; a reverse proxy may serve it.
     */
    public MatrixResponse wellKnownClient(MatrixRequest request) {
        return MatrixResponse.ok(wellKnown.deepCopy());
    }

    /** GET /_matrix/client/versions — Client-Server API § API Versions. */
    public MatrixResponse versions(MatrixRequest request) {
        return MatrixResponse.ok(versions.deepCopy());
    }

    /** GET /_matrix/client/v3/capabilities — Client-Server API § Capabilities negotiation. */
    public MatrixResponse capabilities(MatrixRequest request) {
        return MatrixResponse.ok(capabilities.deepCopy());
    }
}
