package dev.starling.server.badinput;

import static dev.starling.server.badinput.BadInputFixture.Case.of;
import static dev.starling.server.badinput.BadInputFixture.Who.ALICE;
import static dev.starling.server.badinput.BadInputFixture.Who.BOB;
import static dev.starling.server.badinput.BadInputFixture.Who.NOBODY;
import static dev.starling.server.badinput.BadInputFixture.Who.REVOKED_TOKEN;
import static dev.starling.server.badinput.BadInputFixture.Who.UNKNOWN_TOKEN;

import dev.starling.server.TestHomeServer.Reply;
import dev.starling.server.badinput.BadInputFixture.Case;
import dev.starling.server.badinput.BadInputFixture.Who;
import dev.starling.server.rooms.RoomClient;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.assertj.core.api.SoftAssertions;

/**
 * Issue acceptance 3, for the endpoints that exist: malformed JSON, wrong types, missing fields, oversized bodies
 * and events, unknown and revoked tokens, rooms the user is not in, invalid IDs and bad query parameters each
 * get the spec's status and errcode — never a 500 — and store nothing. Each category is a table; to cover a new
 * endpoint, add it to {@link #JSON_ENDPOINTS} (every body check then runs on it) or add rows.
 */
class BadInputHttpTest {
    private static final String V3 = RoomClient.V3;

    /** A JSON-body endpoint, the user who calls it, and a body it would accept (so only the defect differs). */
    record Endpoint(String name, String method, Function<BadInputFixture, String> path, Who who) {}

    static final List<Endpoint> JSON_ENDPOINTS = List.of(
            new Endpoint("register", "POST", f -> V3 + "/register", NOBODY),
            new Endpoint("login", "POST", f -> V3 + "/login", NOBODY),
            new Endpoint("createRoom", "POST", f -> V3 + "/createRoom", ALICE),
            new Endpoint("send", "PUT", f -> f.room() + "/send/m.room.message/txn-bad", ALICE),
            new Endpoint("put state", "PUT", f -> f.room() + "/state/m.room.topic/", ALICE),
            new Endpoint("join", "POST", f -> f.room() + "/join", ALICE),
            new Endpoint("join by ID", "POST", f -> V3 + "/join/" + RoomClient.path(f.roomId), ALICE),
            new Endpoint("invite", "POST", f -> f.room() + "/invite", ALICE),
            new Endpoint("leave", "POST", f -> f.room() + "/leave", ALICE),
            new Endpoint("kick", "POST", f -> f.room() + "/kick", ALICE),
            new Endpoint("ban", "POST", f -> f.room() + "/ban", ALICE),
            new Endpoint("unban", "POST", f -> f.room() + "/unban", ALICE));

    /** Every authenticated endpoint, with a harmless body where it takes one. */
    static final List<Case> AUTHENTICATED = List.of(
            of("whoami", "GET", f -> V3 + "/account/whoami", null, ALICE, 200),
            of("capabilities", "GET", f -> V3 + "/capabilities", null, ALICE, 200),
            of("logout", "POST", f -> V3 + "/logout", "{}", ALICE, 200),
            of("logout all", "POST", f -> V3 + "/logout/all", "{}", ALICE, 200),
            of("createRoom", "POST", f -> V3 + "/createRoom", "{}", ALICE, 200),
            of("send", "PUT", f -> f.room() + "/send/m.room.message/t", "{\"body\":\"x\",\"msgtype\":\"m.text\"}",
                    ALICE, 200),
            of("put state", "PUT", f -> f.room() + "/state/m.room.topic/", "{\"topic\":\"t\"}", ALICE, 200),
            of("get state", "GET", f -> f.room() + "/state/m.room.create/", null, ALICE, 200),
            of("all state", "GET", f -> f.room() + "/state", null, ALICE, 200),
            of("event", "GET", f -> f.room() + "/event/" + RoomClient.path(f.eventId), null, ALICE, 200),
            of("messages", "GET", f -> f.room() + "/messages?dir=b", null, ALICE, 200),
            of("sync", "GET", f -> V3 + "/sync", null, ALICE, 200),
            of("join", "POST", f -> f.room() + "/join", "{}", ALICE, 200),
            of("join by ID", "POST", f -> V3 + "/join/" + RoomClient.path(f.roomId), "{}", ALICE, 200),
            of("invite", "POST", f -> f.room() + "/invite", "{\"user_id\":\"@bob:example.org\"}", ALICE, 200),
            of("leave", "POST", f -> f.room() + "/leave", "{}", ALICE, 200),
            of("kick", "POST", f -> f.room() + "/kick", "{\"user_id\":\"@bob:example.org\"}", ALICE, 200),
            of("ban", "POST", f -> f.room() + "/ban", "{\"user_id\":\"@bob:example.org\"}", ALICE, 200),
            of("unban", "POST", f -> f.room() + "/unban", "{\"user_id\":\"@bob:example.org\"}", ALICE, 200),
            of("joined rooms", "GET", f -> V3 + "/joined_rooms", null, ALICE, 200),
            of("members", "GET", f -> f.room() + "/members", null, ALICE, 200),
            of("joined members", "GET", f -> f.room() + "/joined_members", null, ALICE, 200));

    @OnEveryDatabase
    void everyJsonBodyEndpointRefusesBodiesThatAreNotAJsonObjectWithinTheLimit(Backend backend) {
        List<Case> cases = new ArrayList<>();
        for (Endpoint e : JSON_ENDPOINTS) {
            cases.add(of(e.name() + ": truncated JSON", e.method(), e.path(), "{\"a\":", e.who(), 400, "M_NOT_JSON"));
            cases.add(of(e.name() + ": not JSON at all", e.method(), e.path(), "user_id=@x:y", e.who(), 400,
                    "M_NOT_JSON"));
            cases.add(of(e.name() + ": an array", e.method(), e.path(), "[1,2]", e.who(), 400, "M_BAD_JSON"));
            cases.add(of(e.name() + ": a string", e.method(), e.path(), "\"text\"", e.who(), 400, "M_BAD_JSON"));
            cases.add(of(e.name() + ": null", e.method(), e.path(), "null", e.who(), 400, "M_BAD_JSON"));
            cases.add(of(e.name() + ": a duplicate key", e.method(), e.path(), "{\"a\":1,\"a\":2}", e.who(), 400,
                    "M_BAD_JSON"));
            cases.add(of(e.name() + ": a float", e.method(), e.path(), "{\"a\":1.5}", e.who(), 400, "M_BAD_JSON"));
            cases.add(of(e.name() + ": an integer beyond 2^53", e.method(), e.path(), "{\"a\":9007199254740993}",
                    e.who(), 400, "M_BAD_JSON"));
            cases.add(of(e.name() + ": a body over the limit", e.method(), e.path(),
                    "{\"a\":\"" + "x".repeat(300_000) + "\"}", e.who(), 413, "M_TOO_LARGE"));
        }
        runTable(backend, cases);
    }

    @OnEveryDatabase
    void wrongTypesAndMissingFieldsAreBadJsonOrNamedParameters(Backend backend) {
        String bobId = "@bob:example.org";
        runTable(backend, List.of(
                of("register: username a number", "POST", f -> V3 + "/register", "{\"username\":5}", NOBODY, 400,
                        "M_BAD_JSON"),
                of("register: password a boolean", "POST", f -> V3 + "/register", "{\"password\":true}", NOBODY, 400,
                        "M_BAD_JSON"),
                of("register: inhibit_login a string", "POST", f -> V3 + "/register", "{\"inhibit_login\":\"yes\"}",
                        NOBODY, 400, "M_BAD_JSON"),
                of("register: auth a string", "POST", f -> V3 + "/register", "{\"username\":\"zed\",\"auth\":\"x\"}",
                        NOBODY, 400, "M_BAD_JSON"),
                of("register: invalid user name", "POST", f -> V3 + "/register", "{\"username\":\"Zed Smith\"}",
                        NOBODY, 400, "M_INVALID_USERNAME"),
                of("register: device_id a number", "POST", f -> V3 + "/register", "{\"device_id\":7}", NOBODY, 400,
                        "M_BAD_JSON"),
                of("login: empty", "POST", f -> V3 + "/login", "{}", NOBODY, 400, "M_MISSING_PARAM", "M_BAD_JSON"),
                of("login: type a number", "POST", f -> V3 + "/login", "{\"type\":5}", NOBODY, 400, "M_BAD_JSON"),
                of("login: no password", "POST", f -> V3 + "/login",
                        "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\",\"user\":\"alice\"}}",
                        NOBODY, 400, "M_MISSING_PARAM", "M_BAD_JSON"),
                of("login: identifier a string", "POST", f -> V3 + "/login",
                        "{\"type\":\"m.login.password\",\"identifier\":\"alice\",\"password\":\"pw\"}", NOBODY, 400,
                        "M_BAD_JSON"),
                of("login: identifier without user", "POST", f -> V3 + "/login",
                        "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\"},\"password\":\"pw\"}",
                        NOBODY, 400, "M_MISSING_PARAM", "M_BAD_JSON"),
                of("login: password a number", "POST", f -> V3 + "/login",
                        "{\"type\":\"m.login.password\",\"user\":\"alice\",\"password\":5}", NOBODY, 400, "M_BAD_JSON"),
                of("login: unknown type", "POST", f -> V3 + "/login", "{\"type\":\"m.login.magic\"}", NOBODY, 400,
                        "M_UNKNOWN"),
                of("createRoom: preset a number", "POST", f -> V3 + "/createRoom", "{\"preset\":5}", ALICE, 400,
                        "M_BAD_JSON", "M_INVALID_PARAM"),
                of("createRoom: unknown preset", "POST", f -> V3 + "/createRoom", "{\"preset\":\"party\"}", ALICE,
                        400, "M_INVALID_PARAM"),
                of("createRoom: unknown visibility", "POST", f -> V3 + "/createRoom", "{\"visibility\":\"secret\"}",
                        ALICE, 400, "M_INVALID_PARAM"),
                of("createRoom: name a number", "POST", f -> V3 + "/createRoom", "{\"name\":5}", ALICE, 400,
                        "M_BAD_JSON"),
                of("createRoom: topic an object", "POST", f -> V3 + "/createRoom", "{\"topic\":{}}", ALICE, 400,
                        "M_BAD_JSON"),
                of("createRoom: invite a string", "POST", f -> V3 + "/createRoom", "{\"invite\":\"" + bobId + "\"}",
                        ALICE, 400, "M_BAD_JSON"),
                of("createRoom: invite of a bad user ID", "POST", f -> V3 + "/createRoom", "{\"invite\":[\"bob\"]}",
                        ALICE, 400, "M_INVALID_PARAM"),
                of("createRoom: unknown room version", "POST", f -> V3 + "/createRoom", "{\"room_version\":\"999\"}",
                        ALICE, 400, "M_UNSUPPORTED_ROOM_VERSION"),
                of("createRoom: room version a number", "POST", f -> V3 + "/createRoom", "{\"room_version\":11}",
                        ALICE, 400, "M_BAD_JSON"),
                of("createRoom: initial_state an object", "POST", f -> V3 + "/createRoom", "{\"initial_state\":{}}",
                        ALICE, 400, "M_BAD_JSON"),
                of("createRoom: initial_state entry without type", "POST", f -> V3 + "/createRoom",
                        "{\"initial_state\":[{\"content\":{}}]}", ALICE, 400, "M_BAD_JSON"),
                of("createRoom: creation_content an array", "POST", f -> V3 + "/createRoom",
                        "{\"creation_content\":[]}", ALICE, 400, "M_BAD_JSON"),
                of("createRoom: power_level_content_override a string", "POST", f -> V3 + "/createRoom",
                        "{\"power_level_content_override\":\"x\"}", ALICE, 400, "M_BAD_JSON"),
                of("createRoom: is_direct a string", "POST", f -> V3 + "/createRoom", "{\"is_direct\":\"yes\"}",
                        ALICE, 400, "M_BAD_JSON"),
                of("invite: no user_id", "POST", f -> f.room() + "/invite", "{}", ALICE, 400, "M_MISSING_PARAM",
                        "M_BAD_JSON"),
                of("invite: user_id a number", "POST", f -> f.room() + "/invite", "{\"user_id\":5}", ALICE, 400,
                        "M_BAD_JSON"),
                of("invite: user_id not a user ID", "POST", f -> f.room() + "/invite", "{\"user_id\":\"bob\"}", ALICE,
                        400, "M_INVALID_PARAM"),
                of("invite: reason a number", "POST", f -> f.room() + "/invite",
                        "{\"user_id\":\"" + bobId + "\",\"reason\":5}", ALICE, 400, "M_BAD_JSON"),
                of("kick: no user_id", "POST", f -> f.room() + "/kick", "{}", ALICE, 400, "M_MISSING_PARAM",
                        "M_BAD_JSON"),
                of("ban: user_id an array", "POST", f -> f.room() + "/ban", "{\"user_id\":[]}", ALICE, 400,
                        "M_BAD_JSON"),
                of("unban: user_id not a user ID", "POST", f -> f.room() + "/unban", "{\"user_id\":\"@\"}", ALICE,
                        400, "M_INVALID_PARAM"),
                of("leave: reason an object", "POST", f -> f.room() + "/leave", "{\"reason\":{}}", ALICE, 400,
                        "M_BAD_JSON"),
                of("createRoom: a power level that is a string", "POST", f -> V3 + "/createRoom",
                        "{\"power_level_content_override\":{\"users\":{\"@alice:example.org\":\"100\"}}}", ALICE,
                        400, "M_INVALID_ROOM_STATE"),
                of("createRoom: initial_state joining someone else", "POST", f -> V3 + "/createRoom",
                        "{\"initial_state\":[{\"type\":\"m.room.member\",\"state_key\":\"" + bobId
                                + "\",\"content\":{\"membership\":\"join\"}}]}", ALICE, 400, "M_INVALID_ROOM_STATE"),
                of("createRoom: initial_state with the create event", "POST", f -> V3 + "/createRoom",
                        "{\"initial_state\":[{\"type\":\"m.room.create\",\"content\":{}}]}", ALICE, 400,
                        "M_INVALID_ROOM_STATE"),
                of("createRoom: initial_state state_key a number", "POST", f -> V3 + "/createRoom",
                        "{\"initial_state\":[{\"type\":\"m.room.topic\",\"state_key\":5,\"content\":{}}]}", ALICE,
                        400, "M_BAD_JSON"),
                of("put state: power levels with a string level", "PUT", f -> f.room() + "/state/m.room.power_levels/",
                        "{\"users\":{\"@alice:example.org\":\"100\"}}", ALICE, 403, "M_FORBIDDEN"),
                of("put state: member event with a bad state key", "PUT", f -> f.room() + "/state/m.room.member/nobody",
                        "{\"membership\":\"join\"}", ALICE, 403, "M_FORBIDDEN"),
                of("put state: member event with membership a number", "PUT",
                        f -> f.room() + "/state/m.room.member/" + RoomClient.path("@alice:example.org"),
                        "{\"membership\":5}", ALICE, 403, "M_FORBIDDEN"),
                of("send: a redaction of a bad event ID", "PUT", f -> f.room() + "/send/m.room.redaction/r1",
                        "{\"redacts\":\"nope\"}", ALICE, 400, "M_BAD_JSON")));
    }

    @OnEveryDatabase
    void eventsOverTheSpecsSizeLimitAreTooLarge(Backend backend) {
        // Client-Server API § Size limits: an event is at most 65,536 bytes; the bodies stay under the body limit.
        String big = "x".repeat(66_000);
        runTable(backend, List.of(
                of("send", "PUT", f -> f.room() + "/send/m.room.message/big", "{\"body\":\"" + big + "\"}", ALICE,
                        413, "M_TOO_LARGE"),
                of("put state", "PUT", f -> f.room() + "/state/m.room.topic/", "{\"topic\":\"" + big + "\"}", ALICE,
                        413, "M_TOO_LARGE"),
                of("createRoom with a huge name", "POST", f -> V3 + "/createRoom", "{\"name\":\"" + big + "\"}",
                        ALICE, 413, "M_TOO_LARGE"),
                of("invite with a huge reason", "POST", f -> f.room() + "/invite",
                        "{\"user_id\":\"@bob:example.org\",\"reason\":\"" + big + "\"}", ALICE, 413, "M_TOO_LARGE"),
                of("leave with a huge reason", "POST", f -> f.room() + "/leave", "{\"reason\":\"" + big + "\"}",
                        ALICE, 413, "M_TOO_LARGE"),
                of("send: event type over 255 bytes", "PUT", f -> f.room() + "/send/" + "t".repeat(256) + "/t1", "{}",
                        ALICE, 400, "M_INVALID_PARAM", "M_BAD_JSON"),
                of("put state: state key over 255 bytes", "PUT", f -> f.room() + "/state/m.room.topic/"
                        + "k".repeat(256), "{}", ALICE, 400, "M_INVALID_PARAM", "M_BAD_JSON")));
    }

    @OnEveryDatabase
    void unknownRevokedAndMissingTokensAreRefusedEverywhere(Backend backend) {
        List<Case> cases = new ArrayList<>();
        for (Case ok : AUTHENTICATED) {
            cases.add(new Case(ok.name() + ": unknown token", ok.method(), ok.path(), ok.body(), UNKNOWN_TOKEN, 401,
                    java.util.Set.of("M_UNKNOWN_TOKEN")));
            cases.add(new Case(ok.name() + ": revoked token", ok.method(), ok.path(), ok.body(), REVOKED_TOKEN, 401,
                    java.util.Set.of("M_UNKNOWN_TOKEN")));
            cases.add(new Case(ok.name() + ": no token", ok.method(), ok.path(), ok.body(), NOBODY, 401,
                    java.util.Set.of("M_MISSING_TOKEN")));
        }
        cases.add(of("unknown token in the query", "GET", f -> V3 + "/account/whoami?access_token=stt_nope", null,
                NOBODY, 401, "M_UNKNOWN_TOKEN"));
        runTable(backend, cases);
    }

    @OnEveryDatabase
    void roomsTheUserIsNotInAreForbidden(Backend backend) {
        String aliceId = "@alice:example.org";
        runTable(backend, List.of(
                of("send", "PUT", f -> f.room() + "/send/m.room.message/b1", "{\"body\":\"hi\"}", BOB, 403,
                        "M_FORBIDDEN"),
                of("put state", "PUT", f -> f.room() + "/state/m.room.topic/", "{\"topic\":\"mine\"}", BOB, 403,
                        "M_FORBIDDEN"),
                of("get state", "GET", f -> f.room() + "/state/m.room.create/", null, BOB, 403, "M_FORBIDDEN"),
                of("all state", "GET", f -> f.room() + "/state", null, BOB, 403, "M_FORBIDDEN"),
                of("event", "GET", f -> f.room() + "/event/" + RoomClient.path(f.eventId), null, BOB, 404,
                        "M_NOT_FOUND"),
                of("messages", "GET", f -> f.room() + "/messages?dir=b", null, BOB, 403, "M_FORBIDDEN"),
                of("members", "GET", f -> f.room() + "/members", null, BOB, 403, "M_FORBIDDEN"),
                of("joined members", "GET", f -> f.room() + "/joined_members", null, BOB, 403, "M_FORBIDDEN"),
                of("join an invite-only room", "POST", f -> f.room() + "/join", "{}", BOB, 403, "M_FORBIDDEN"),
                of("invite", "POST", f -> f.room() + "/invite", "{\"user_id\":\"@carol:example.org\"}", BOB, 403,
                        "M_FORBIDDEN"),
                of("kick", "POST", f -> f.room() + "/kick", "{\"user_id\":\"" + aliceId + "\"}", BOB, 403,
                        "M_FORBIDDEN"),
                of("ban", "POST", f -> f.room() + "/ban", "{\"user_id\":\"" + aliceId + "\"}", BOB, 403,
                        "M_FORBIDDEN"),
                of("unban", "POST", f -> f.room() + "/unban", "{\"user_id\":\"" + aliceId + "\"}", BOB, 403,
                        "M_FORBIDDEN"),
                of("leave", "POST", f -> f.room() + "/leave", "{}", BOB, 403, "M_FORBIDDEN")));
    }

    @OnEveryDatabase
    void invalidIdsInPathsAreInvalidParametersAndUnknownOnesAreNotFoundOrForbidden(Backend backend) {
        String unknownRoom = RoomClient.room("!unknown:example.org");
        List<Case> cases = new ArrayList<>();
        for (String bad : List.of("not-a-room", "!", "!nocolon", "#alias:example.org", "@user:example.org", "..")) {
            String room = V3 + "/rooms/" + RoomClient.path(bad);
            cases.add(of("send into " + bad, "PUT", f -> room + "/send/m.room.message/i1", "{}", ALICE, 400,
                    "M_INVALID_PARAM"));
            cases.add(of("state of " + bad, "GET", f -> room + "/state", null, ALICE, 400, "M_INVALID_PARAM"));
            cases.add(of("messages of " + bad, "GET", f -> room + "/messages?dir=b", null, ALICE, 400,
                    "M_INVALID_PARAM"));
            cases.add(of("join " + bad, "POST", f -> room + "/join", "{}", ALICE, 400, "M_INVALID_PARAM"));
            cases.add(of("members of " + bad, "GET", f -> room + "/members", null, ALICE, 400, "M_INVALID_PARAM"));
        }
        cases.addAll(List.of(
                of("event with a bad event ID", "GET", f -> f.room() + "/event/not-an-event", null, ALICE, 400,
                        "M_INVALID_PARAM"),
                of("event unknown", "GET", f -> f.room() + "/event/" + RoomClient.path("$" + "A".repeat(43)), null,
                        ALICE, 404, "M_NOT_FOUND"),
                of("join by a bad ID", "POST", f -> V3 + "/join/not-a-room", "{}", ALICE, 400, "M_INVALID_PARAM"),
                of("join an unknown room", "POST", f -> V3 + "/join/" + RoomClient.path("!unknown:example.org"), "{}",
                        ALICE, 404, "M_NOT_FOUND", "M_FORBIDDEN"),
                of("join an unknown alias", "POST", f -> V3 + "/join/" + RoomClient.path("#nope:example.org"), "{}",
                        ALICE, 404, "M_NOT_FOUND"),
                of("send into an unknown room", "PUT", f -> unknownRoom + "/send/m.room.message/u1", "{}", ALICE, 403,
                        "M_FORBIDDEN"),
                of("state of an unknown room", "GET", f -> unknownRoom + "/state", null, ALICE, 403, "M_FORBIDDEN",
                        "M_NOT_FOUND"),
                of("messages of an unknown room", "GET", f -> unknownRoom + "/messages?dir=b", null, ALICE, 403,
                        "M_FORBIDDEN", "M_NOT_FOUND"),
                of("invite an unknown local user", "POST", f -> f.room() + "/invite",
                        "{\"user_id\":\"@ghost:example.org\"}", ALICE, 404, "M_NOT_FOUND", "M_FORBIDDEN"),
                of("path traversal in a state key", "PUT", f -> f.room() + "/state/m.room.topic/..%2F..%2Fetc",
                        "{\"topic\":\"x\"}", BOB, 403, "M_FORBIDDEN"),
                // A NUL byte is refused by Jetty before routing: a malformed request, answered in the same JSON.
                of("NUL in a room ID", "GET", f -> V3 + "/rooms/%00/state", null, ALICE, 400, "M_UNKNOWN"),
                of("unknown endpoint", "GET", f -> V3 + "/rooms/../../etc/passwd", null, ALICE, 404,
                        "M_UNRECOGNIZED", "M_NOT_FOUND")));
        runTable(backend, cases);
    }

    @OnEveryDatabase
    void badQueryParametersAreInvalidOrMissingParameters(Backend backend) {
        String hugeFilter = RoomClient.path("{\"room\":{\"timeline\":{\"limit\":5}},\"x\":\"" + "y".repeat(20_000)
                + "\"}");
        runTable(backend, List.of(
                of("messages without dir", "GET", f -> f.room() + "/messages", null, ALICE, 400, "M_MISSING_PARAM"),
                of("messages dir=x", "GET", f -> f.room() + "/messages?dir=x", null, ALICE, 400, "M_INVALID_PARAM"),
                of("messages limit=abc", "GET", f -> f.room() + "/messages?dir=b&limit=abc", null, ALICE, 400,
                        "M_INVALID_PARAM"),
                of("messages limit=-1", "GET", f -> f.room() + "/messages?dir=b&limit=-1", null, ALICE, 400,
                        "M_INVALID_PARAM"),
                of("messages limit beyond a long", "GET", f -> f.room() + "/messages?dir=b&limit=99999999999999999999",
                        null, ALICE, 400, "M_INVALID_PARAM"),
                of("messages from=garbage", "GET", f -> f.room() + "/messages?dir=b&from=garbage", null, ALICE, 400,
                        "M_INVALID_PARAM"),
                of("messages to=garbage", "GET", f -> f.room() + "/messages?dir=b&to=s-5", null, ALICE, 400,
                        "M_INVALID_PARAM"),
                of("sync timeout=abc", "GET", f -> V3 + "/sync?timeout=abc", null, ALICE, 400, "M_INVALID_PARAM"),
                of("sync timeout=-5", "GET", f -> V3 + "/sync?timeout=-5", null, ALICE, 400, "M_INVALID_PARAM"),
                of("sync since=garbage", "GET", f -> V3 + "/sync?since=garbage", null, ALICE, 400, "M_INVALID_PARAM"),
                of("sync since beyond a long", "GET", f -> V3 + "/sync?since=s99999999999999999999_0", null, ALICE,
                        400, "M_INVALID_PARAM"),
                of("sync timeout beyond a long", "GET", f -> V3 + "/sync?timeout=99999999999999999999", null, ALICE,
                        400, "M_INVALID_PARAM"),
                of("sync filter not JSON", "GET", f -> V3 + "/sync?filter=" + RoomClient.path("{nope"), null, ALICE,
                        400, "M_INVALID_PARAM", "M_NOT_JSON", "M_BAD_JSON"),
                of("sync filter limit a string", "GET", f -> V3 + "/sync?filter="
                        + RoomClient.path("{\"room\":{\"timeline\":{\"limit\":\"ten\"}}}"), null, ALICE, 400,
                        "M_INVALID_PARAM", "M_BAD_JSON"),
                // Filters by ID belong to the filter endpoints; an inline one is bounded by the URI limit.
                of("sync filter beyond the URI limit", "GET", f -> V3 + "/sync?filter=" + hugeFilter, null, ALICE,
                        414, "M_TOO_LARGE"),
                of("sync full_state=maybe", "GET", f -> V3 + "/sync?full_state=maybe", null, ALICE, 400,
                        "M_INVALID_PARAM"),
                of("members membership=bogus", "GET", f -> f.room() + "/members?membership=bogus", null, ALICE, 400,
                        "M_INVALID_PARAM"),
                of("members not_membership=bogus", "GET", f -> f.room() + "/members?not_membership=bogus", null,
                        ALICE, 400, "M_INVALID_PARAM"),
                of("state format=bogus", "GET", f -> f.room() + "/state/m.room.create/?format=bogus", null, ALICE, 400,
                        "M_INVALID_PARAM"),
                of("available without username", "GET", f -> V3 + "/register/available", null, NOBODY, 400,
                        "M_MISSING_PARAM"),
                of("available with a bad username", "GET", f -> V3 + "/register/available?username=Bad%20Name", null,
                        NOBODY, 400, "M_INVALID_USERNAME"),
                of("register kind=admin", "POST", f -> V3 + "/register?kind=admin", "{}", NOBODY, 400,
                        "M_INVALID_PARAM"),
                of("token validity without token", "GET",
                        f -> "/_matrix/client/v1/register/m.login.registration_token/validity", null, NOBODY, 400,
                        "M_MISSING_PARAM")));
    }

    @OnEveryDatabase
    void creationContentCannotChooseTheCreatorOrTheRoomVersion(Backend backend) {
        // Client-Server API § Creation: the server overwrites creator and room_version of creation_content.
        try (BadInputFixture f = new BadInputFixture(backend)) {
            String roomId = RoomClient.createRoom(f.server, f.alice, "{\"room_version\":\"10\",\"creation_content\":"
                    + "{\"creator\":\"@bob:example.org\",\"room_version\":\"1\"}}");
            Reply create = f.server.get(RoomClient.room(roomId) + "/state/m.room.create/", f.alice);
            org.assertj.core.api.Assertions.assertThat(create.json().path("creator").asText())
                    .isEqualTo("@alice:example.org");
            org.assertj.core.api.Assertions.assertThat(create.json().path("room_version").asText()).isEqualTo("10");
        }
    }

    /**
     * Runs every case on a fresh fixture of {@code backend}, checking status, errcode and that no table changed,
     * and reports every failing row at once.
     */
    static void runTable(Backend backend, List<Case> cases) {
        try (BadInputFixture f = new BadInputFixture(backend)) {
            SoftAssertions soft = new SoftAssertions();
            Map<String, Long> before = f.counts();
            for (Case c : cases) {
                Reply reply = f.send(c);
                soft.assertThat(reply.status()).as(c + " → status; " + reply.json()).isEqualTo(c.status());
                if (!c.errcodes().isEmpty()) {
                    soft.assertThat(reply.errcode()).as(c + " → errcode; " + reply.json()).isIn(c.errcodes());
                }
                soft.assertThat(reply.status()).as(c + " → never a server error").isLessThan(500);
                if (reply.status() >= 400) {
                    Map<String, Long> after = f.counts();
                    soft.assertThat(after).as(c + " → nothing stored").isEqualTo(before);
                    before = after;
                } else {
                    before = f.counts();
                }
            }
            soft.assertAll();
        }
    }
}
