package dev.starling.server;

import dev.starling.server.discovery.DiscoveryApi;
import dev.starling.server.http.Access;
import dev.starling.server.http.Route;
import dev.starling.server.http.Router;
import java.util.List;

/**
 * Every Client-Server API route, in one table. Each handler's first doc line names its method, path and
 * spec section. Routes need an access token unless marked otherwise.
 */
public final class ClientServerRoutes {
    private ClientServerRoutes() {}

    public static Router router(DiscoveryApi discovery) {
        return Router.of(List.of(
                // discovery
                Route.get("/.well-known/matrix/client", discovery::wellKnownClient).access(Access.PUBLIC),
                Route.get("/_matrix/client/versions", discovery::versions).access(Access.OPTIONAL),
                Route.get("/_matrix/client/v3/capabilities", discovery::capabilities)));
    }
}
