package dev.starling.server;

import dev.starling.server.discovery.DiscoveryApi;
import dev.starling.server.http.Access;
import dev.starling.server.http.Route;
import dev.starling.server.http.RateLimit;
import dev.starling.server.http.Router;
import dev.starling.server.users.AccountsApi;
import java.util.List;

/**
 * Every Client-Server API route, in one table. Each handler's first doc line names its method, path and
 * spec section. Routes need an access token unless marked otherwise.
 */
public final class ClientServerRoutes {
    private ClientServerRoutes() {}

    public static Router router(DiscoveryApi discovery, AccountsApi accounts) {
        return Router.of(List.of(
                // discovery
                Route.get("/.well-known/matrix/client", discovery::wellKnownClient).access(Access.PUBLIC),
                Route.get("/_matrix/client/versions", discovery::versions).access(Access.OPTIONAL),
                Route.get("/_matrix/client/v3/capabilities", discovery::capabilities),
                // users: registration, login, logout
                Route.post("/_matrix/client/v3/register", accounts::register).access(Access.PUBLIC)
                        .rateLimited(RateLimit.REGISTRATION),
                Route.get("/_matrix/client/v3/register/available", accounts::available).access(Access.PUBLIC)
                        .rateLimited(RateLimit.REGISTRATION),
                Route.get("/_matrix/client/v1/register/m.login.registration_token/validity", accounts::tokenValidity)
                        .access(Access.PUBLIC).rateLimited(RateLimit.REGISTRATION),
                Route.get("/_matrix/client/v3/login", accounts::loginFlows).access(Access.PUBLIC),
                Route.post("/_matrix/client/v3/login", accounts::login).access(Access.PUBLIC)
                        .rateLimited(RateLimit.LOGIN),
                Route.post("/_matrix/client/v3/logout", accounts::logout),
                Route.post("/_matrix/client/v3/logout/all", accounts::logoutAll),
                Route.get("/_matrix/client/v3/account/whoami", accounts::whoami)));
    }
}
