package dev.starling.server;

import dev.starling.server.federation.FederationApi;
import dev.starling.server.federation.events.EventServingApi;
import dev.starling.server.federation.events.SendApi;
import dev.starling.server.federation.keys.KeyServerApi;
import dev.starling.server.federation.query.QueryApi;
import dev.starling.server.federation.membership.MembershipServingApi;
import dev.starling.server.http.Access;
import dev.starling.server.http.Route;
import java.util.List;

/**
 * Every Server-Server API route, in one table (served on the same listener as {@link ClientServerRoutes}).
 * Routes under {@code /_matrix/federation} need an X-Matrix signature ({@code Access.FEDERATION}) unless the
 * spec says otherwise; the key server under {@code /_matrix/key} is public.
 */
public final class FederationRoutes {
    private FederationRoutes() {}

    /** The HTTP faces of the federation package, as {@code HomeServer} builds them. */
    public record Apis(FederationApi federation, KeyServerApi keys, MembershipServingApi membership) {}

    public static List<Route> routes(Apis a) {
        return List.of(
                // key server and notary
                Route.get("/_matrix/key/v2/server", a.keys()::server).access(Access.PUBLIC),
                Route.post("/_matrix/key/v2/query", a.keys()::query).access(Access.PUBLIC),
                Route.get("/_matrix/key/v2/query/{serverName}", a.keys()::queryServer).access(Access.PUBLIC),
                // about this server (the spec asks no authentication for it)
                Route.get("/_matrix/federation/v1/version", a.federation()::version).access(Access.PUBLIC),
                // membership: joins, leaves and invites of other servers' users
                Route.get("/_matrix/federation/v1/make_join/{roomId}/{userId}", a.membership()::makeJoin)
                        .access(Access.FEDERATION),
                Route.put("/_matrix/federation/v2/send_join/{roomId}/{eventId}", a.membership()::sendJoin)
                        .access(Access.FEDERATION),
                Route.get("/_matrix/federation/v1/make_leave/{roomId}/{userId}", a.membership()::makeLeave)
                        .access(Access.FEDERATION),
                Route.put("/_matrix/federation/v2/send_leave/{roomId}/{eventId}", a.membership()::sendLeave)
                        .access(Access.FEDERATION),
                Route.put("/_matrix/federation/v2/invite/{roomId}/{eventId}", a.membership()::invite)
                        .access(Access.FEDERATION));
    }

    /** The queries about this server's users and aliases (profiles, directory, devices, E2EE keys). */
    public static List<Route> queryRoutes(QueryApi q) {
        return List.of(
                Route.get("/_matrix/federation/v1/query/profile", q::profile).access(Access.FEDERATION),
                Route.get("/_matrix/federation/v1/query/directory", q::directory).access(Access.FEDERATION),
                Route.get("/_matrix/federation/v1/user/devices/{userId}", q::devices).access(Access.FEDERATION),
                Route.post("/_matrix/federation/v1/user/keys/query", q::keysQuery).access(Access.FEDERATION),
                Route.post("/_matrix/federation/v1/user/keys/claim", q::keysClaim).access(Access.FEDERATION));
    }

    /** Room events: inbound transactions and serving the DAG (federation/README.md "The inbound event pipeline"). */
    public static List<Route> eventRoutes(SendApi send, EventServingApi events) {
        return List.of(
                Route.put("/_matrix/federation/v1/send/{txnId}", send::send).access(Access.FEDERATION)
                        .maxBodyBytes(SendApi.MAX_BODY_BYTES),
                Route.get("/_matrix/federation/v1/event/{eventId}", events::event).access(Access.FEDERATION),
                Route.get("/_matrix/federation/v1/state/{roomId}", events::state).access(Access.FEDERATION),
                Route.get("/_matrix/federation/v1/state_ids/{roomId}", events::stateIds).access(Access.FEDERATION),
                Route.get("/_matrix/federation/v1/event_auth/{roomId}/{eventId}", events::eventAuth)
                        .access(Access.FEDERATION),
                Route.get("/_matrix/federation/v1/backfill/{roomId}", events::backfill).access(Access.FEDERATION),
                Route.post("/_matrix/federation/v1/get_missing_events/{roomId}", events::missingEvents)
                        .access(Access.FEDERATION));
    }
}
