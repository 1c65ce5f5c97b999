package dev.starling.server.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.crypto.EventSigning;
import dev.starling.protocol.crypto.JsonSignatures;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.rooms.RoomVersion;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.function.Consumer;

/**
 * Hostile membership requests to a resident server (SECURITY.md items 15–18; issue 4 acceptance 5): server B
 * sends signed requests to A with its real key; A refuses each bad one with the spec's status and errcode,
 * signs nothing and stores nothing.
 */
class HostileMembershipHttpTest {
    private static final String FED = "/_matrix/federation";

    private record Setup(FederatingServer a, FederatingServer b, MembershipFedClient alice, String roomId) {}

    private static void withRoom(Backend backend, Consumer<Setup> test) {
        try (FederatingServer a = FederatingServer.start(backend); FederatingServer b = FederatingServer.start(backend)) {
            MembershipFedClient alice = MembershipFedClient.register(a, "alice");
            String roomId = alice.createRoom("{\"preset\":\"public_chat\"}");
            test.accept(new Setup(a, b, alice, roomId));
        }
    }

    private static FederationClient.RemoteError refused(Setup s, String method, String uri, ObjectNode body) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                () -> s.b().federation().client().request(s.a().name(), method, uri, body));
        assertThat(thrown).isInstanceOf(FederationClient.RemoteError.class);
        return (FederationClient.RemoteError) thrown;
    }

    private static String bob(Setup s) {
        return "@bob:" + s.b().name();
    }

    /** A's make_join template for bob of B, as B receives it. */
    private static ObjectNode template(Setup s) {
        ObjectNode answer = s.b().federation().client().get(s.a().name(), FED + "/v1/make_join/"
                + MembershipFedClient.encode(s.roomId()) + "/" + MembershipFedClient.encode(bob(s)) + "?ver=12");
        return (ObjectNode) answer.get("event");
    }

    /** Signs {@code event} with {@code key} as server B and PUTs it to send_join under its own event ID. */
    private static FederationClient.RemoteError sendJoinRefused(Setup s, ObjectNode event, SigningKey key) {
        ObjectNode signed = EventSigning.sign(event, RoomVersion.V12, s.b().name(), key);
        String eventId = Pdu.fromJson(signed, RoomVersion.V12).eventId().value();
        FederationClient.RemoteError error = refused(s, "PUT", FED + "/v2/send_join/"
                + MembershipFedClient.encode(s.roomId()) + "/" + MembershipFedClient.encode(eventId), signed);
        assertThat(s.a().count("SELECT COUNT(*) FROM events WHERE event_id = '" + eventId + "'")).isZero();
        return error;
    }

    @OnEveryDatabase
    void makeJoinForAUserOfAnotherServerIsForbidden(Backend backend) {
        withRoom(backend, s -> {
            FederationClient.RemoteError error = refused(s, "GET", FED + "/v1/make_join/"
                    + MembershipFedClient.encode(s.roomId()) + "/" + MembershipFedClient.encode(s.alice().userId())
                    + "?ver=12", null);
            assertThat(error.status()).isEqualTo(403);
            assertThat(error.errcode()).isEqualTo("M_FORBIDDEN");
        });
    }

    @OnEveryDatabase
    void makeJoinWithoutTheRoomsVersionIsIncompatible(Backend backend) {
        withRoom(backend, s -> {
            FederationClient.RemoteError error = refused(s, "GET", FED + "/v1/make_join/"
                    + MembershipFedClient.encode(s.roomId()) + "/" + MembershipFedClient.encode(bob(s))
                    + "?ver=10&ver=11", null);
            assertThat(error.status()).isEqualTo(400);
            assertThat(error.errcode()).isEqualTo("M_INCOMPATIBLE_ROOM_VERSION");
            FederationClient.RemoteError unknown = refused(s, "GET", FED + "/v1/make_join/"
                    + MembershipFedClient.encode("!nope:" + s.a().name()) + "/" + MembershipFedClient.encode(bob(s))
                    + "?ver=12", null);
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.errcode()).isEqualTo("M_NOT_FOUND");
        });
    }

    @OnEveryDatabase
    void makeJoinOfAPrivateRoomWithoutAnInviteIsForbidden(Backend backend) {
        withRoom(backend, s -> {
            String secret = s.alice().createRoom("{\"preset\":\"private_chat\"}");
            FederationClient.RemoteError error = refused(s, "GET", FED + "/v1/make_join/"
                    + MembershipFedClient.encode(secret) + "/" + MembershipFedClient.encode(bob(s)) + "?ver=12", null);
            assertThat(error.status()).isEqualTo(403);
            assertThat(error.errcode()).isEqualTo("M_FORBIDDEN");
        });
    }

    @OnEveryDatabase
    void sendJoinOfANonMemberEventIsNotSigned(Backend backend) {
        withRoom(backend, s -> {
            ObjectNode event = template(s);
            event.put("type", "m.room.message");
            event.remove("state_key");
            event.set("content", JsonNodeFactory.instance.objectNode().put("msgtype", "m.text").put("body", "x"));
            FederationClient.RemoteError error = sendJoinRefused(s, event, s.b().key());
            assertThat(error.status()).isEqualTo(400);
            assertThat(error.errcode()).isEqualTo("M_BAD_JSON");
        });
    }

    @OnEveryDatabase
    void sendJoinOfAnotherMembershipIsNotSigned(Backend backend) {
        withRoom(backend, s -> {
            ObjectNode event = template(s);
            ((ObjectNode) event.get("content")).put("membership", "leave");
            FederationClient.RemoteError error = sendJoinRefused(s, event, s.b().key());
            assertThat(error.status()).isEqualTo(400);
            assertThat(error.errcode()).isEqualTo("M_BAD_JSON");
        });
    }

    @OnEveryDatabase
    void sendJoinForAUserOfAnotherServerIsForbidden(Backend backend) {
        withRoom(backend, s -> {
            ObjectNode event = template(s);
            event.put("sender", "@eve:127.0.0.1:1");
            event.put("state_key", "@eve:127.0.0.1:1");
            FederationClient.RemoteError error = sendJoinRefused(s, event, s.b().key());
            assertThat(error.status()).isEqualTo(403);
            assertThat(error.errcode()).isEqualTo("M_FORBIDDEN");
            // And a join whose state_key names someone else than its sender.
            ObjectNode other = template(s);
            other.put("state_key", s.alice().userId());
            FederationClient.RemoteError mismatch = sendJoinRefused(s, other, s.b().key());
            assertThat(mismatch.status()).isEqualTo(400);
            assertThat(mismatch.errcode()).isEqualTo("M_BAD_JSON");
        });
    }

    @OnEveryDatabase
    void sendJoinWithABadSignatureIsForbidden(Backend backend) {
        withRoom(backend, s -> {
            SigningKey stranger = SigningKey.generate(KeyId.ed25519(s.b().key().keyId().identifier()));
            FederationClient.RemoteError error = sendJoinRefused(s, template(s), stranger);
            assertThat(error.status()).isEqualTo(403);
            assertThat(error.errcode()).isEqualTo("M_FORBIDDEN");
        });
    }

    @OnEveryDatabase
    void sendJoinUnderAnotherEventIdOrRoomIsRefused(Backend backend) {
        withRoom(backend, s -> {
            ObjectNode signed = EventSigning.sign(template(s), RoomVersion.V12, s.b().name(), s.b().key());
            FederationClient.RemoteError wrongId = refused(s, "PUT", FED + "/v2/send_join/"
                    + MembershipFedClient.encode(s.roomId()) + "/" + MembershipFedClient.encode("$notthisone"), signed);
            assertThat(wrongId.status()).isEqualTo(400);
            assertThat(wrongId.errcode()).isEqualTo("M_BAD_JSON");
            String other = s.alice().createRoom("{\"preset\":\"public_chat\"}");
            String eventId = Pdu.fromJson(signed, RoomVersion.V12).eventId().value();
            FederationClient.RemoteError wrongRoom = refused(s, "PUT", FED + "/v2/send_join/"
                    + MembershipFedClient.encode(other) + "/" + MembershipFedClient.encode(eventId), signed);
            assertThat(wrongRoom.status()).isEqualTo(400);
            assertThat(wrongRoom.errcode()).isEqualTo("M_BAD_JSON");
            assertThat(s.alice().membershipOf(s.roomId(), bob(s))).isNull();
        });
    }

    @OnEveryDatabase
    void aGoodSendJoinIsCountersignedAndAnswersTheState(Backend backend) {
        withRoom(backend, s -> {
            ObjectNode signed = EventSigning.sign(template(s), RoomVersion.V12, s.b().name(), s.b().key());
            String eventId = Pdu.fromJson(signed, RoomVersion.V12).eventId().value();
            ObjectNode answer = s.b().federation().client().request(s.a().name(), "PUT", FED + "/v2/send_join/"
                    + MembershipFedClient.encode(s.roomId()) + "/" + MembershipFedClient.encode(eventId), signed);
            assertThat(JsonSignatures.signingKeyIds((ObjectNode) answer.get("event"), s.a().name().value())).hasSize(1);
            assertThat(answer.path("members_omitted").asBoolean(true)).isFalse();
            assertThat(answer.path("origin").asText()).isEqualTo(s.a().name().value());
            assertThat(answer.path("state").size()).isGreaterThanOrEqualTo(5);
            assertThat(answer.path("auth_chain").size()).isGreaterThanOrEqualTo(3);
            assertThat(answer.path("servers_in_room").toString()).contains(s.a().name().value(), s.b().name().value());
            assertThat(s.alice().membershipOf(s.roomId(), bob(s))).isEqualTo("join");
            // A retry of the same send_join answers again and stores nothing new.
            long events = s.a().count("SELECT COUNT(*) FROM events");
            s.b().federation().client().request(s.a().name(), "PUT", FED + "/v2/send_join/"
                    + MembershipFedClient.encode(s.roomId()) + "/" + MembershipFedClient.encode(eventId), signed);
            assertThat(s.a().count("SELECT COUNT(*) FROM events")).isEqualTo(events);
        });
    }

    /** An invite event from carol of B for {@code target} in a room of B, signed by B (room version 11). */
    private static ObjectNode invite(Setup s, String target, String type) {
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.put("type", type);
        event.put("sender", "@carol:" + s.b().name());
        event.put("state_key", target);
        event.put("room_id", "!elsewhere:" + s.b().name());
        event.set("content", JsonNodeFactory.instance.objectNode().put("membership", "invite"));
        event.putArray("prev_events").add("$" + "p".repeat(43));
        event.putArray("auth_events").add("$" + "c".repeat(43));
        event.put("depth", 5);
        event.put("origin_server_ts", System.currentTimeMillis());
        return EventSigning.sign(event, RoomVersion.V11, s.b().name(), s.b().key());
    }

    private static ObjectNode inviteBody(ObjectNode event, String version) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("room_version", version);
        body.set("event", event);
        body.putArray("invite_room_state").addObject().put("type", "m.room.name").put("state_key", "")
                .put("sender", event.path("sender").asText())
                .set("content", JsonNodeFactory.instance.objectNode().put("name", "Elsewhere"));
        return body;
    }

    private static String inviteUri(Setup s, ObjectNode event) {
        String eventId = Pdu.fromJson(event, RoomVersion.V11).eventId().value();
        return FED + "/v2/invite/" + MembershipFedClient.encode("!elsewhere:" + s.b().name()) + "/"
                + MembershipFedClient.encode(eventId);
    }

    @OnEveryDatabase
    void anInviteIsCountersignedOnlyForOurUserAsAMemberInviteOfASupportedVersion(Backend backend) {
        withRoom(backend, s -> {
            ObjectNode notOurs = invite(s, "@dave:" + s.b().name(), "m.room.member");
            FederationClient.RemoteError foreign = refused(s, "PUT", inviteUri(s, notOurs), inviteBody(notOurs, "11"));
            assertThat(foreign.status()).isEqualTo(403);
            assertThat(foreign.errcode()).isEqualTo("M_FORBIDDEN");

            ObjectNode message = invite(s, s.alice().userId(), "m.room.topic");
            FederationClient.RemoteError notMember = refused(s, "PUT", inviteUri(s, message), inviteBody(message, "11"));
            assertThat(notMember.status()).isEqualTo(400);
            assertThat(notMember.errcode()).isEqualTo("M_BAD_JSON");

            ObjectNode good = invite(s, s.alice().userId(), "m.room.member");
            FederationClient.RemoteError version = refused(s, "PUT", inviteUri(s, good), inviteBody(good, "1"));
            assertThat(version.status()).isEqualTo(400);
            assertThat(version.errcode()).isEqualTo("M_INCOMPATIBLE_ROOM_VERSION");
            assertThat(s.a().count("SELECT COUNT(*) FROM invite_room_state")).isZero();

            ObjectNode forged = good.deepCopy();
            forged.put("origin_server_ts", forged.path("origin_server_ts").asLong() + 1); // kept by redaction: signed
            FederationClient.RemoteError badSignature = refused(s, "PUT", inviteUri(s, forged), inviteBody(forged, "11"));
            assertThat(badSignature.status()).isEqualTo(403);
            assertThat(badSignature.errcode()).isEqualTo("M_FORBIDDEN");
            ObjectNode rehashed = good.deepCopy();
            ((ObjectNode) rehashed.get("content")).put("displayname", "changed"); // redacted away: only the hash sees it
            FederationClient.RemoteError badHash = refused(s, "PUT", inviteUri(s, rehashed), inviteBody(rehashed, "11"));
            assertThat(badHash.status()).isEqualTo(400);
            assertThat(badHash.errcode()).isEqualTo("M_BAD_JSON");

            ObjectNode answer = s.b().federation().client().request(s.a().name(), "PUT", inviteUri(s, good),
                    inviteBody(good, "11"));
            assertThat(JsonSignatures.signingKeyIds((ObjectNode) answer.get("event"), s.a().name().value())).hasSize(1);
            JsonNode invited = s.alice().sync().path("rooms").path("invite").path("!elsewhere:" + s.b().name())
                    .path("invite_state").path("events");
            assertThat(invited.toString()).contains("Elsewhere", "\"membership\":\"invite\"");
        });
    }

    @OnEveryDatabase
    void unauthenticatedMembershipRequestsAreRefused(Backend backend) {
        withRoom(backend, s -> {
            FederatingServer.Reply reply = s.a().send("GET", FED + "/v1/make_join/"
                    + MembershipFedClient.encode(s.roomId()) + "/" + MembershipFedClient.encode(bob(s)) + "?ver=12",
                    null, java.util.Map.of());
            assertThat(reply.status()).isEqualTo(401);
            assertThat(reply.errcode()).isEqualTo("M_UNAUTHORIZED");
        });
    }
}
