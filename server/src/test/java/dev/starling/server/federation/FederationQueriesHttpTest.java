package dev.starling.server.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.server.federation.sender.Backoff;
import dev.starling.server.keys.KeysClient;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.time.Duration;


/**
 * The Server-Server queries between two real servers, both ways: a local client's {@code /profile},
 * {@code /directory/room}, {@code /keys/query} and {@code /keys/claim} about the other server's users go to that
 * server over signed requests; {@code /user/devices} served; each query answers only for local users.
 */
class FederationQueriesHttpTest {
    private static final Backoff LONG = new Backoff(Duration.ofSeconds(60), Duration.ofHours(1));

    @OnEveryDatabase
    void profilesAndAliasesOfTheOtherServerAreAskedOfIt(Backend backend) {
        try (OutboundFedClient a = OutboundFedClient.start(backend, LONG);
                OutboundFedClient b = OutboundFedClient.start(backend, LONG)) {
            KeysClient.User alice = a.register("alice");
            KeysClient.User bob = b.register("bob");
            assertThat(a.put("/_matrix/client/v3/profile/" + alice.userId() + "/displayname",
                    "{\"displayname\":\"Alice of A\"}", alice.token()).status()).isEqualTo(200);
            assertThat(b.put("/_matrix/client/v3/profile/" + bob.userId() + "/displayname",
                    "{\"displayname\":\"Bob of B\"}", bob.token()).status()).isEqualTo(200);

            OutboundFedClient.Reply aliceSeenByBob = b.get("/_matrix/client/v3/profile/" + alice.userId(), bob.token());
            assertThat(aliceSeenByBob.status()).isEqualTo(200);
            assertThat(aliceSeenByBob.json().path("displayname").asText()).isEqualTo("Alice of A");
            assertThat(b.get("/_matrix/client/v3/profile/" + alice.userId() + "/displayname", bob.token()).json()
                    .path("displayname").asText()).isEqualTo("Alice of A");
            assertThat(a.get("/_matrix/client/v3/profile/" + bob.userId(), alice.token()).json().path("displayname")
                    .asText()).isEqualTo("Bob of B");
            OutboundFedClient.Reply ghost = b.get("/_matrix/client/v3/profile/@ghost:" + a.name(), bob.token());
            assertThat(ghost.status()).isEqualTo(404);
            assertThat(ghost.errcode()).isEqualTo("M_NOT_FOUND");

            OutboundFedClient.Reply room = a.post("/_matrix/client/v3/createRoom", "{\"room_alias_name\":\"lobby\"}",
                    alice.token());
            assertThat(room.status()).isEqualTo(200);
            OutboundFedClient.Reply resolved = b.get("/_matrix/client/v3/directory/room/%23lobby:" + a.name(),
                    bob.token());
            assertThat(resolved.status()).as(resolved.json().toString()).isEqualTo(200);
            assertThat(resolved.json().path("room_id").asText()).isEqualTo(room.json().path("room_id").asText());
            assertThat(resolved.json().path("servers").get(0).asText()).isEqualTo(a.name().value());
            OutboundFedClient.Reply unknown = b.get("/_matrix/client/v3/directory/room/%23nothing:" + a.name(),
                    bob.token());
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.errcode()).isEqualTo("M_NOT_FOUND");
        }
    }

    @OnEveryDatabase
    void keysOfRemoteUsersAreQueriedAndClaimedOfTheirServerOneTimeKeysThenFallback(Backend backend) {
        try (OutboundFedClient a = OutboundFedClient.start(backend, LONG);
                OutboundFedClient b = OutboundFedClient.start(backend, LONG)) {
            KeysClient.User alice = a.register("alice");
            KeysClient.User bob = b.register("bob");
            a.uploadKeys(alice, 1, true);
            b.uploadKeys(bob, 1, false);

            String nowhere = "127.0.0.1:" + freePort();
            OutboundFedClient.Reply query = b.post("/_matrix/client/v3/keys/query", "{\"device_keys\":{\""
                    + alice.userId() + "\":[],\"" + bob.userId() + "\":[],\"@x:" + nowhere + "\":[]},\"timeout\":5000}",
                    bob.token());
            assertThat(query.status()).isEqualTo(200);
            JsonNode aliceKeys = query.json().path("device_keys").path(alice.userId()).path(alice.deviceId());
            assertThat(aliceKeys.path("keys").path("ed25519:" + alice.deviceId()).asText())
                    .isEqualTo(alice.deviceKey().verifyKey().publicKeyBase64());
            assertThat(query.json().path("device_keys").path(bob.userId()).has(bob.deviceId())).isTrue();
            assertThat(query.json().path("failures").has(nowhere)).isTrue();
            assertThat(query.json().path("failures").has(a.name().value())).isFalse();
            // the other way round
            OutboundFedClient.Reply back = a.post("/_matrix/client/v3/keys/query",
                    "{\"device_keys\":{\"" + bob.userId() + "\":[]}}", alice.token());
            assertThat(back.json().path("device_keys").path(bob.userId()).has(bob.deviceId())).isTrue();

            String claim = "{\"one_time_keys\":{\"" + alice.userId() + "\":{\"" + alice.deviceId()
                    + "\":\"signed_curve25519\"}}}";
            JsonNode first = b.post("/_matrix/client/v3/keys/claim", claim, bob.token()).json();
            assertThat(first.path("one_time_keys").path(alice.userId()).path(alice.deviceId())
                    .has("signed_curve25519:AAAA0")).as(first.toString()).isTrue();
            assertThat(first.path("failures").size()).isZero();
            JsonNode second = b.post("/_matrix/client/v3/keys/claim", claim, bob.token()).json();
            assertThat(second.path("one_time_keys").path(alice.userId()).path(alice.deviceId())
                    .has("signed_curve25519:FB")).as(second.toString()).isTrue();
            JsonNode failed = b.post("/_matrix/client/v3/keys/claim", "{\"one_time_keys\":{\"@x:" + nowhere
                    + "\":{\"D\":\"signed_curve25519\"}},\"timeout\":3000}", bob.token()).json();
            assertThat(failed.path("failures").has(nowhere)).isTrue();
        }
    }

    @OnEveryDatabase
    void userDevicesAndKeysAreServedOnlyForLocalUsersOverSignedRequests(Backend backend) {
        try (OutboundFedClient a = OutboundFedClient.start(backend, LONG);
                OutboundFedClient b = OutboundFedClient.start(backend, LONG)) {
            KeysClient.User alice = a.register("alice");
            a.uploadKeys(alice, 0, false);
            FederationClient fromB = b.server().federation().client();

            ObjectNode devices = fromB.get(a.name(), "/_matrix/federation/v1/user/devices/" + alice.userId());
            assertThat(devices.path("user_id").asText()).isEqualTo(alice.userId());
            assertThat(devices.path("stream_id").asLong()).isPositive();
            assertThat(devices.path("devices").get(0).path("device_id").asText()).isEqualTo(alice.deviceId());
            assertThat(devices.path("devices").get(0).path("keys").path("user_id").asText()).isEqualTo(alice.userId());

            ObjectNode profile = fromB.get(a.name(), "/_matrix/federation/v1/query/profile?user_id="
                    + alice.userId().replace("@", "%40").replace(":", "%3A") + "&field=displayname");
            assertThat(profile.path("displayname").asText()).isEqualTo("alice"); // the default: the localpart
            assertThat(profile.has("avatar_url")).isFalse();

            // another server's user: 400 M_INVALID_PARAM
            FederationClient.RemoteError foreign = org.junit.jupiter.api.Assertions.assertThrows(
                    FederationClient.RemoteError.class,
                    () -> fromB.get(a.name(), "/_matrix/federation/v1/user/devices/@bob:" + b.name()));
            assertThat(foreign.status()).isEqualTo(400);
            assertThat(foreign.errcode()).isEqualTo("M_INVALID_PARAM");
            FederationClient.RemoteError noUser = org.junit.jupiter.api.Assertions.assertThrows(
                    FederationClient.RemoteError.class, () -> fromB.get(a.name(),
                            "/_matrix/federation/v1/query/profile?user_id=%40ghost%3A" + a.name().value()
                                    .replace(":", "%3A")));
            assertThat(noUser.status()).isEqualTo(404);
            ObjectNode keys = fromB.request(a.name(), "POST", "/_matrix/federation/v1/user/keys/query",
                    CanonicalJson.parseObject("{\"device_keys\":{\"" + alice.userId() + "\":[],\"@bob:" + b.name()
                            + "\":[]}}"));
            assertThat(keys.path("device_keys").has(alice.userId())).isTrue();
            assertThat(keys.path("device_keys").has("@bob:" + b.name())).isFalse();
            FederationClient.RemoteError badBody = org.junit.jupiter.api.Assertions.assertThrows(
                    FederationClient.RemoteError.class, () -> fromB.request(a.name(), "POST",
                            "/_matrix/federation/v1/user/keys/claim", CanonicalJson.parseObject("{\"one_time_keys\":1}")));
            assertThat(badBody.status()).isEqualTo(400);
            assertThat(badBody.errcode()).isEqualTo("M_BAD_JSON");

            // without an X-Matrix signature: 401, nothing answered
            FederatingServer.Reply unsigned = sendRaw(a, "GET", "/_matrix/federation/v1/user/devices/" + alice.userId());
            assertThat(unsigned.status()).isEqualTo(401);
            assertThat(unsigned.errcode()).isEqualTo("M_UNAUTHORIZED");
        }
    }

    @OnEveryDatabase
    void badQueriesAreRefusedWithTheSpecsErrors(Backend backend) {
        try (OutboundFedClient a = OutboundFedClient.start(backend, LONG);
                OutboundFedClient b = OutboundFedClient.start(backend, LONG)) {
            a.register("alice");
            FederationClient fromB = b.server().federation().client();
            String alice = "%40alice%3A" + a.name().value().replace(":", "%3A");
            String[][] cases = {
                {"GET", "/_matrix/federation/v1/query/profile", "400", "M_MISSING_PARAM"},
                {"GET", "/_matrix/federation/v1/query/profile?user_id=alice", "400", "M_INVALID_PARAM"},
                {"GET", "/_matrix/federation/v1/query/profile?user_id=%40x%3Aother.example", "400", "M_INVALID_PARAM"},
                {"GET", "/_matrix/federation/v1/query/profile?user_id=" + alice + "&field=email", "400",
                    "M_INVALID_PARAM"},
                {"GET", "/_matrix/federation/v1/query/directory", "400", "M_MISSING_PARAM"},
                {"GET", "/_matrix/federation/v1/query/directory?room_alias=lobby", "400", "M_INVALID_PARAM"},
                {"GET", "/_matrix/federation/v1/query/directory?room_alias=%23lobby%3Aother.example", "400",
                    "M_INVALID_PARAM"},
                {"GET", "/_matrix/federation/v1/query/directory?room_alias=%23none%3A"
                        + a.name().value().replace(":", "%3A"), "404", "M_NOT_FOUND"},
                {"GET", "/_matrix/federation/v1/user/devices/not-a-user", "400", "M_INVALID_PARAM"},
            };
            for (String[] c : cases) {
                FederationClient.RemoteError error = org.junit.jupiter.api.Assertions.assertThrows(
                        FederationClient.RemoteError.class, () -> fromB.request(a.name(), c[0], c[1], null), c[1]);
                assertThat(error.status()).as(c[1]).isEqualTo(Integer.parseInt(c[2]));
                assertThat(error.errcode()).as(c[1]).isEqualTo(c[3]);
            }
            for (String body : new String[] {"{}", "{\"device_keys\":[]}"}) {
                FederationClient.RemoteError error = org.junit.jupiter.api.Assertions.assertThrows(
                        FederationClient.RemoteError.class, () -> fromB.request(a.name(), "POST",
                                "/_matrix/federation/v1/user/keys/query", CanonicalJson.parseObject(body)));
                assertThat(error.status()).isEqualTo(400);
                assertThat(error.errcode()).isEqualTo("M_BAD_JSON");
            }
        }
    }

    private static FederatingServer.Reply sendRaw(OutboundFedClient server, String method, String path) {
        OutboundFedClient.Reply reply = server.send(method, path, null, null);
        return new FederatingServer.Reply(reply.status(), (ObjectNode) reply.json());
    }

    private static int freePort() {
        try {
            return FederatingServer.freePort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

}
