package dev.starling.server;

import dev.starling.server.discovery.DiscoveryApi;
import dev.starling.server.http.Access;
import dev.starling.server.http.Route;
import dev.starling.server.http.RateLimit;
import dev.starling.server.http.Router;
import dev.starling.server.rooms.ContextApi;
import dev.starling.server.rooms.MembershipApi;
import dev.starling.server.rooms.MessagesApi;
import dev.starling.server.rooms.RedactionsApi;
import dev.starling.server.rooms.RelationsApi;
import dev.starling.server.rooms.RoomsApi;
import dev.starling.server.sync.SyncApi;
import dev.starling.server.users.AccountsApi;
import java.util.List;

/**
 * Every Client-Server API route, in one table. Each handler's first doc line names its method, path and
 * spec section. Routes need an access token unless marked otherwise.
 */
public final class ClientServerRoutes {
    private ClientServerRoutes() {}

    public static Router router(DiscoveryApi discovery, AccountsApi accounts, RoomsApi rooms, MembershipApi membership,
            MessagesApi messages, SyncApi sync, RedactionsApi redactions, ContextApi context, RelationsApi relations) {
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
                Route.get("/_matrix/client/v3/account/whoami", accounts::whoami),
                // rooms: creation, events, state
                Route.post("/_matrix/client/v3/createRoom", rooms::createRoom),
                Route.put("/_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}", rooms::send)
                        .rateLimited(RateLimit.MESSAGES),
                Route.put("/_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey?}", rooms::putState),
                Route.get("/_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey?}", rooms::getState),
                Route.get("/_matrix/client/v3/rooms/{roomId}/state", rooms::allState),
                Route.get("/_matrix/client/v3/rooms/{roomId}/event/{eventId}", rooms::event),
                Route.get("/_matrix/client/v3/rooms/{roomId}/messages", messages::messages),
                Route.put("/_matrix/client/v3/rooms/{roomId}/redact/{eventId}/{txnId}", redactions::redact)
                        .rateLimited(RateLimit.MESSAGES),
                Route.get("/_matrix/client/v3/rooms/{roomId}/context/{eventId}", context::context),
                Route.get("/_matrix/client/v1/rooms/{roomId}/relations/{eventId}", relations::relations),
                Route.get("/_matrix/client/v1/rooms/{roomId}/relations/{eventId}/{relType}", relations::relations),
                Route.get("/_matrix/client/v1/rooms/{roomId}/relations/{eventId}/{relType}/{eventType}",
                        relations::relations),
                Route.get("/_matrix/client/v1/rooms/{roomId}/threads", relations::threads),
                // sync
                Route.get("/_matrix/client/v3/sync", sync::sync),
                // rooms: membership
                Route.post("/_matrix/client/v3/rooms/{roomId}/join", membership::join).rateLimited(RateLimit.JOINS),
                Route.post("/_matrix/client/v3/join/{roomIdOrAlias}", membership::joinByIdOrAlias)
                        .rateLimited(RateLimit.JOINS),
                Route.post("/_matrix/client/v3/rooms/{roomId}/invite", membership::invite)
                        .rateLimited(RateLimit.INVITES),
                Route.post("/_matrix/client/v3/rooms/{roomId}/leave", membership::leave),
                Route.post("/_matrix/client/v3/rooms/{roomId}/forget", membership::forget),
                Route.post("/_matrix/client/v3/rooms/{roomId}/kick", membership::kick),
                Route.post("/_matrix/client/v3/rooms/{roomId}/ban", membership::ban),
                Route.post("/_matrix/client/v3/rooms/{roomId}/unban", membership::unban),
                Route.get("/_matrix/client/v3/joined_rooms", membership::joinedRooms),
                Route.get("/_matrix/client/v3/rooms/{roomId}/members", membership::members),
                Route.get("/_matrix/client/v3/rooms/{roomId}/joined_members", membership::joinedMembers)));
    }
}
