package dev.starling.server.federation;

import static dev.starling.server.federation.FedEvents.client;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.protocol.rooms.RoomVersion;
import dev.starling.server.federation.FedEvents.Remote;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.time.Duration;
import java.util.List;

/**
 * Hostile PDUs in {@code /send} (issue 4 acceptance 5; SECURITY.md items 8, 12, 14, 19), each checked for its
 * per-PDU error and for what was stored: forged and missing signatures (dropped), a wrong content hash (kept
 * redacted), an oversized PDU (dropped), auth-rule violations (stored as rejected, never state or timeline),
 * unfetchable prev_events and auth events (dropped, the extremities unchanged; a gap the origin would not fill
 * at first is tried again), one bad PDU among good ones, and soft failure (an event from a user banned in the
 * current state).
 */
class InboundPipelineHostileHttpTest {
    private static final RoomVersion VERSION = RoomVersion.V12;

    /** A local room with alice (local) and bob (remote, joined through /send). */
    private record Room(FederatingServer a, Remote remote, String alice, String roomId, String bob) {
        FederatingServer.Reply send(String txn, ObjectNode... pdus) {
            return FedEvents.transaction(remote, a, txn, List.of(pdus), List.of());
        }

        ObjectNode message(String text) {
            return FedEvents.message(a, remote, VERSION, roomId, bob, text);
        }

        List<String> timelineBodies() {
            JsonNode sync = client(a, "GET", FedEvents.V3 + "/sync", null, alice).json();
            List<String> bodies = new java.util.ArrayList<>();
            sync.path("rooms").path("join").path(roomId).path("timeline").path("events")
                    .forEach(e -> bodies.add(e.path("content").path("body").asText("")));
            return bodies;
        }
    }

    private static Room room(FederatingServer a, FederatingServer b) {
        Remote remote = Remote.of(b);
        String alice = FedEvents.register(a, "alice");
        String roomId = FedEvents.createPublicRoom(a, alice, VERSION);
        String bob = remote.user("bob");
        ObjectNode join = FedEvents.join(a, remote, VERSION, roomId, bob);
        FederatingServer.Reply reply = FedEvents.transaction(remote, a, "join", List.of(join), List.of());
        assertThat(reply.json().path("pdus").path(FedEvents.id(join, VERSION)).has("error")).isFalse();
        return new Room(a, remote, alice, roomId, bob);
    }

    /** A user of the scripted server {@code c} whose join (not sent to us) the room's state allows. */
    private record Joined(ScriptedRemote c, Room room, String user, ObjectNode join, String joinId,
            List<String> auth) {
        /** A message after {@code prev}, {@code depthAfterJoin} deeper than the join. */
        ObjectNode says(String text, String prev, int depthAfterJoin) {
            return FedEvents.pdu(c.identity, VERSION, room.roomId(), user, "m.room.message", null,
                    FedEvents.content("{\"msgtype\":\"m.text\",\"body\":\"" + text + "\"}"), List.of(prev), auth,
                    join.get("depth").asLong() + depthAfterJoin);
        }
    }

    private static Joined joined(FederatingServer a, ScriptedRemote c, Room room, String name) {
        String user = c.identity.user(name);
        ObjectNode join = FedEvents.join(a, c.identity, VERSION, room.roomId(), user);
        String joinId = FedEvents.id(join, VERSION);
        return new Joined(c, room, user, join, joinId,
                List.of(FedEvents.state(a, room.roomId(), "m.room.power_levels", ""), joinId));
    }

    private static String error(FederatingServer.Reply reply, String eventId) {
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("pdus").has(eventId)).as(reply.json().toString()).isTrue();
        return reply.json().path("pdus").path(eventId).path("error").asText("");
    }

    @OnEveryDatabase
    void forgedAndMissingSignaturesAreDropped(Backend backend) {
        try (FederatingServer a = FederatingServer.start(backend); FederatingServer b = FederatingServer.start(backend)) {
            Room room = room(a, b);
            List<String> extremities = FedEvents.extremities(a, room.roomId());
            // Signed with another key under b's key ID.
            Remote forger = new Remote(b.name(), SigningKey.generate(b.key().keyId()));
            ObjectNode forged = FedEvents.message(a, forger, VERSION, room.roomId(), room.bob(), "forged");
            String forgedId = FedEvents.id(forged, VERSION);
            assertThat(error(room.send("f1", forged), forgedId)).contains("signature");
            // No signature at all.
            ObjectNode unsigned = room.message("unsigned");
            unsigned.remove("signatures");
            String unsignedId = FedEvents.id(unsigned, VERSION);
            assertThat(error(room.send("f2", unsigned), unsignedId)).contains("signature");
            // A user of another server than the signer: that server's signature is missing.
            ObjectNode otherSender = FedEvents.message(a, room.remote(), VERSION, room.roomId(),
                    "@mallory:" + a.name().value(), "impersonated");
            String otherId = FedEvents.id(otherSender, VERSION);
            assertThat(error(room.send("f3", otherSender), otherId)).contains("signature");
            for (String id : List.of(forgedId, unsignedId, otherId)) {
                assertThat(FedEvents.stored(a, id)).isEqualTo("absent");
            }
            assertThat(FedEvents.extremities(a, room.roomId())).isEqualTo(extremities);
        }
    }

    @OnEveryDatabase
    void aWrongContentHashKeepsTheRedactedEvent(Backend backend) {
        try (FederatingServer a = FederatingServer.start(backend); FederatingServer b = FederatingServer.start(backend)) {
            Room room = room(a, b);
            ObjectNode message = room.message("original");
            // Content is not covered by the signature (it is redacted away) but is by the hash.
            ((ObjectNode) message.get("content")).put("body", "tampered");
            String id = FedEvents.id(message, VERSION);
            assertThat(error(room.send("h", message), id)).isEmpty();
            assertThat(FedEvents.stored(a, id)).isEqualTo("timeline");
            String json = FedEvents.strings(a, "SELECT json FROM events WHERE event_id = ?", id).get(0);
            assertThat(CanonicalJson.parse(json).path("content").size()).isZero();
            assertThat(room.timelineBodies()).doesNotContain("tampered", "original");
            assertThat(FedEvents.extremities(a, room.roomId())).containsExactly(id);
        }
    }

    @OnEveryDatabase
    void anOversizedPduIsDropped(Backend backend) {
        try (FederatingServer a = FederatingServer.start(backend); FederatingServer b = FederatingServer.start(backend)) {
            Room room = room(a, b);
            ObjectNode big = room.message("x".repeat(70_000));
            FederatingServer.Reply reply = room.send("big", big);
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.json().path("pdus").size()).isEqualTo(1);
            String eventId = reply.json().path("pdus").fieldNames().next();
            assertThat(reply.json().path("pdus").path(eventId).path("error").asText()).contains("bytes");
            assertThat(FedEvents.stored(a, eventId)).isEqualTo("absent");
        }
    }

    @OnEveryDatabase
    void authRuleViolationsAreStoredAsRejectedAndNeverUsed(Backend backend) {
        try (FederatingServer a = FederatingServer.start(backend); FederatingServer b = FederatingServer.start(backend)) {
            Room room = room(a, b);
            String topicBefore = FedEvents.state(a, room.roomId(), "m.room.topic", "");
            // A user who never joined sends a message (auth events hold no membership for them).
            String eve = room.remote().user("eve");
            ObjectNode stranger = FedEvents.message(a, room.remote(), VERSION, room.roomId(), eve, "let me in");
            String strangerId = FedEvents.id(stranger, VERSION);
            assertThat(error(room.send("r1", stranger), strangerId)).contains("rejected");
            assertThat(FedEvents.stored(a, strangerId)).isEqualTo("rejected");
            // Bob (power 0) changes the power levels and the topic.
            ObjectNode power = FedEvents.pdu(room.remote(), VERSION, room.roomId(), room.bob(), "m.room.power_levels",
                    "", FedEvents.content("{\"users\":{\"" + room.bob() + "\":100}}"),
                    FedEvents.extremities(a, room.roomId()), FedEvents.auth(a, VERSION, room.roomId(), room.bob(), false),
                    FedEvents.maxDepth(a, room.roomId()) + 1);
            String powerId = FedEvents.id(power, VERSION);
            ObjectNode topic = FedEvents.pdu(room.remote(), VERSION, room.roomId(), room.bob(), "m.room.topic", "",
                    FedEvents.content("{\"topic\":\"mine now\"}"), FedEvents.extremities(a, room.roomId()),
                    FedEvents.auth(a, VERSION, room.roomId(), room.bob(), false), FedEvents.maxDepth(a, room.roomId()) + 1);
            String topicId = FedEvents.id(topic, VERSION);
            FederatingServer.Reply reply = room.send("r2", power, topic);
            assertThat(error(reply, powerId)).contains("rejected");
            assertThat(error(reply, topicId)).contains("rejected");
            assertThat(FedEvents.stored(a, powerId)).isEqualTo("rejected");
            assertThat(FedEvents.stored(a, topicId)).isEqualTo("rejected");
            // Never state, never an extremity, never served to clients, never an auth event for later events.
            assertThat(FedEvents.state(a, room.roomId(), "m.room.topic", "")).isEqualTo(topicBefore);
            assertThat(FedEvents.extremities(a, room.roomId())).doesNotContain(powerId, topicId, strangerId);
            assertThat(client(a, "GET", FedEvents.V3 + "/rooms/" + FedEvents.path(room.roomId()) + "/event/"
                    + FedEvents.path(topicId), null, room.alice()).status()).isEqualTo(404);
            ObjectNode onRejected = FedEvents.pdu(room.remote(), VERSION, room.roomId(), room.bob(), "m.room.topic", "",
                    FedEvents.content("{\"topic\":\"via rejected power\"}"), FedEvents.extremities(a, room.roomId()),
                    List.of(FedEvents.state(a, room.roomId(), "m.room.member", room.bob()), powerId),
                    FedEvents.maxDepth(a, room.roomId()) + 1);
            String onRejectedId = FedEvents.id(onRejected, VERSION);
            assertThat(error(room.send("r3", onRejected), onRejectedId)).contains("rejected");
            assertThat(FedEvents.stored(a, onRejectedId)).isEqualTo("rejected");
            assertThat(room.timelineBodies()).doesNotContain("let me in");
            // A later event may name a rejected event as a prev event: the state after it is the state before it.
            ObjectNode onTop = FedEvents.pdu(room.remote(), VERSION, room.roomId(), room.bob(), "m.room.message", null,
                    FedEvents.content("{\"msgtype\":\"m.text\",\"body\":\"on top of a rejected event\"}"),
                    List.of(topicId), FedEvents.auth(a, VERSION, room.roomId(), room.bob(), false),
                    FedEvents.maxDepth(a, room.roomId()) + 1);
            String onTopId = FedEvents.id(onTop, VERSION);
            assertThat(error(room.send("r4", onTop), onTopId)).isEmpty();
            assertThat(FedEvents.stored(a, onTopId)).isEqualTo("timeline");
            assertThat(FedEvents.extremities(a, room.roomId())).contains(onTopId).doesNotContain(topicId);
            assertThat(FedEvents.state(a, room.roomId(), "m.room.topic", "")).isEqualTo(topicBefore);
            assertThat(room.timelineBodies()).contains("on top of a rejected event");
        }
    }

    @OnEveryDatabase
    void unfetchablePrevAndAuthEventsAreDroppedNotAcceptedAsExtremities(Backend backend) {
        try (FederatingServer a = FederatingServer.start(backend); FederatingServer b = FederatingServer.start(backend)) {
            Room room = room(a, b);
            List<String> extremities = FedEvents.extremities(a, room.roomId());
            String nowhere = "$" + "A".repeat(43);
            // prev_events unknown to us; b (the origin) has not got the room, so get_missing_events fails.
            ObjectNode orphan = FedEvents.pdu(room.remote(), VERSION, room.roomId(), room.bob(), "m.room.message", null,
                    FedEvents.content("{\"msgtype\":\"m.text\",\"body\":\"orphan\"}"), List.of(nowhere),
                    FedEvents.auth(a, VERSION, room.roomId(), room.bob(), false), 50);
            String orphanId = FedEvents.id(orphan, VERSION);
            assertThat(error(room.send("p1", orphan), orphanId)).contains("prev_events");
            assertThat(FedEvents.stored(a, orphanId)).isEqualTo("absent");
            // auth_events unknown to us, and event_auth at the origin fails.
            List<String> auth = new java.util.ArrayList<>(FedEvents.auth(a, VERSION, room.roomId(), room.bob(), false));
            auth.set(0, nowhere);
            ObjectNode badAuth = FedEvents.pdu(room.remote(), VERSION, room.roomId(), room.bob(), "m.room.message", null,
                    FedEvents.content("{\"msgtype\":\"m.text\",\"body\":\"bad auth\"}"), extremities, auth, 50);
            String badAuthId = FedEvents.id(badAuth, VERSION);
            assertThat(error(room.send("p2", badAuth), badAuthId)).contains("auth events");
            assertThat(FedEvents.stored(a, badAuthId)).isEqualTo("absent");
            assertThat(FedEvents.extremities(a, room.roomId())).isEqualTo(extremities);
            assertThat(room.timelineBodies()).doesNotContain("orphan", "bad auth");
        }
    }

    @OnEveryDatabase
    void oneBadPduNeverFailsTheOthers(Backend backend) {
        try (FederatingServer a = FederatingServer.start(backend); FederatingServer b = FederatingServer.start(backend)) {
            Room room = room(a, b);
            ObjectNode first = room.message("first");
            String firstId = FedEvents.id(first, VERSION);
            ObjectNode second = FedEvents.pdu(room.remote(), VERSION, room.roomId(), room.bob(), "m.room.message", null,
                    FedEvents.content("{\"msgtype\":\"m.text\",\"body\":\"second\"}"), List.of(firstId),
                    FedEvents.auth(a, VERSION, room.roomId(), room.bob(), false), first.get("depth").asLong() + 1);
            String secondId = FedEvents.id(second, VERSION);
            ObjectNode bad = room.message("bad");
            ((ObjectNode) bad.get("signatures").get(b.name().value())).put(b.key().keyId().toString(), "AAAA");
            String badId = FedEvents.id(bad, VERSION);
            // Out of order on purpose: the receiver sorts by depth.
            FederatingServer.Reply reply = room.send("mixed", second, bad, first);
            assertThat(error(reply, firstId)).isEmpty();
            assertThat(error(reply, secondId)).isEmpty();
            assertThat(error(reply, badId)).isNotEmpty();
            assertThat(room.timelineBodies()).contains("first", "second").doesNotContain("bad");
            assertThat(FedEvents.extremities(a, room.roomId())).containsExactly(secondId);
        }
    }

    @OnEveryDatabase
    void anEventFromAUserBannedInTheCurrentStateIsSoftFailed(Backend backend) {
        try (FederatingServer a = FederatingServer.start(backend); FederatingServer b = FederatingServer.start(backend)) {
            Room room = room(a, b);
            // Built before the ban: its prev_events and auth events are from when bob was joined.
            ObjectNode late = room.message("sent before I noticed the ban");
            String lateId = FedEvents.id(late, VERSION);
            assertThat(client(a, "POST", FedEvents.V3 + "/rooms/" + FedEvents.path(room.roomId()) + "/ban",
                    "{\"user_id\":\"" + room.bob() + "\"}", room.alice()).status()).isEqualTo(200);
            List<String> extremities = FedEvents.extremities(a, room.roomId());
            assertThat(error(room.send("soft", late), lateId)).isEmpty();
            assertThat(FedEvents.stored(a, lateId)).isEqualTo("soft_failed");
            assertThat(FedEvents.extremities(a, room.roomId())).isEqualTo(extremities);
            assertThat(room.timelineBodies()).doesNotContain("sent before I noticed the ban");
            assertThat(client(a, "GET", FedEvents.V3 + "/rooms/" + FedEvents.path(room.roomId()) + "/event/"
                    + FedEvents.path(lateId), null, room.alice()).status()).isEqualTo(404);
            // A replay of the same event is not processed again.
            assertThat(error(room.send("soft2", late), lateId)).isEmpty();
            assertThat(FedEvents.stored(a, lateId)).isEqualTo("soft_failed");
        }
    }

    @OnEveryDatabase
    void aRemoteRedactionIsAppliedOnlyWhenTheSenderMayRedactTheTarget(Backend backend) {
        try (FederatingServer a = FederatingServer.start(backend); FederatingServer b = FederatingServer.start(backend)) {
            Room room = room(a, b);
            String alicesMessage = FedEvents.say(a, room.alice(), room.roomId(), "alice's words");
            ObjectNode own = room.message("bob's words");
            String ownId = FedEvents.id(own, VERSION);
            assertThat(error(room.send("own", own), ownId)).isEmpty();
            // Bob (power 0, another server) redacts alice's message: accepted into the DAG, not applied.
            ObjectNode redactOther = redaction(room, alicesMessage);
            String redactOtherId = FedEvents.id(redactOther, VERSION);
            assertThat(error(room.send("ro", redactOther), redactOtherId)).isEmpty();
            // Bob redacts his own message: applied.
            ObjectNode redactOwn = redaction(room, ownId);
            String redactOwnId = FedEvents.id(redactOwn, VERSION);
            assertThat(error(room.send("rw", redactOwn), redactOwnId)).isEmpty();
            String path = FedEvents.V3 + "/rooms/" + FedEvents.path(room.roomId()) + "/event/";
            assertThat(client(a, "GET", path + FedEvents.path(alicesMessage), null, room.alice()).json()
                    .path("content").path("body").asText()).isEqualTo("alice's words");
            assertThat(client(a, "GET", path + FedEvents.path(ownId), null, room.alice()).json()
                    .path("content").has("body")).isFalse();
        }
    }

    /**
     * A redaction received before the event it names is applied when the event comes if it may redact it: bob
     * (power 0) redacting his own message, yes; bob redacting alice's message (from another server), no — even
     * though at the redaction nobody could tell whose event it named.
     */
    @OnEveryDatabase
    void aRedactionReceivedBeforeItsTargetIsAppliedOnlyToAnEventItMayRedact(Backend backend) {
        try (FederatingServer a = FederatingServer.start(backend); FederatingServer b = FederatingServer.start(backend)) {
            Room room = room(a, b);
            ObjectNode own = room.message("bob's late words");
            String ownId = FedEvents.id(own, VERSION);
            ObjectNode alices = FedEvents.message(a, Remote.of(a), VERSION, room.roomId(), Remote.of(a).user("alice"),
                    "alice's late words");
            String alicesId = FedEvents.id(alices, VERSION);
            ObjectNode redactOwn = redaction(room, ownId);
            assertThat(error(room.send("r1", redactOwn), FedEvents.id(redactOwn, VERSION))).isEmpty();
            ObjectNode redactAlices = redaction(room, alicesId);
            assertThat(error(room.send("r2", redactAlices), FedEvents.id(redactAlices, VERSION))).isEmpty();
            assertThat(FedEvents.stored(a, ownId)).isEqualTo("absent");

            assertThat(error(room.send("m", own, alices), ownId)).isEmpty();
            assertThat(FedEvents.stored(a, ownId)).isEqualTo("timeline");
            assertThat(FedEvents.stored(a, alicesId)).isEqualTo("timeline");
            String path = FedEvents.V3 + "/rooms/" + FedEvents.path(room.roomId()) + "/event/";
            JsonNode ownServed = client(a, "GET", path + FedEvents.path(ownId), null, room.alice()).json();
            assertThat(ownServed.path("content").has("body")).as(ownServed.toString()).isFalse();
            assertThat(ownServed.path("unsigned").path("redacted_because").path("event_id").asText())
                    .isEqualTo(FedEvents.id(redactOwn, VERSION));
            assertThat(client(a, "GET", path + FedEvents.path(alicesId), null, room.alice()).json()
                    .path("content").path("body").asText()).isEqualTo("alice's late words");
            assertThat(room.timelineBodies()).contains("alice's late words").doesNotContain("bob's late words");
        }
    }

    private static ObjectNode redaction(Room room, String target) {
        return FedEvents.pdu(room.remote(), VERSION, room.roomId(), room.bob(), "m.room.redaction", null,
                FedEvents.content("{\"redacts\":\"" + target + "\"}"), FedEvents.extremities(room.a(), room.roomId()),
                FedEvents.auth(room.a(), VERSION, room.roomId(), room.bob(), false),
                FedEvents.maxDepth(room.a(), room.roomId()) + 1);
    }

    @OnEveryDatabase
    void missingPrevAndAuthEventsAreFetchedAndCheckedLikePushedOnes(Backend backend) {
        try (FederatingServer a = FederatingServer.start(backend); FederatingServer b = FederatingServer.start(backend);
                ScriptedRemote c = ScriptedRemote.start()) {
            Room room = room(a, b);
            // c's user dave joins (not sent to us), then says two things; we receive only the last.
            Joined dave = joined(a, c, room, "dave");
            ObjectNode one = dave.says("one", dave.joinId(), 1);
            String oneId = FedEvents.id(one, VERSION);
            ObjectNode two = dave.says("two", oneId, 2);
            String twoId = FedEvents.id(two, VERSION);
            // A forged event in the pulled batch is dropped like a pushed one.
            ObjectNode forged = FedEvents.message(a, new Remote(c.identity.name(), SigningKey.generate(c.identity.key()
                    .keyId())), VERSION, room.roomId(), dave.user(), "forged");
            c.authChain.add(dave.join());
            c.missingEvents.addAll(List.of(one, dave.join(), forged));
            FederatingServer.Reply reply = FedEvents.transaction(c.identity, a, "gap", List.of(two), List.of());
            assertThat(error(reply, twoId)).isEmpty();
            assertThat(c.eventAuthRequests.get()).isEqualTo(1);
            assertThat(c.missingEventsRequests.get()).isEqualTo(1);
            assertThat(FedEvents.stored(a, oneId)).isEqualTo("timeline");
            assertThat(FedEvents.stored(a, twoId)).isEqualTo("timeline");
            assertThat(FedEvents.stored(a, FedEvents.id(forged, VERSION))).isEqualTo("absent");
            assertThat(FedEvents.state(a, room.roomId(), "m.room.member", dave.user())).isEqualTo(dave.joinId());
            assertThat(FedEvents.extremities(a, room.roomId())).containsExactly(twoId);
            assertThat(room.timelineBodies()).contains("one", "two");
        }
    }

    /**
     * The origin refuses the first {@code get_missing_events} (it does not count us in the room yet, as after a
     * partition): the PDU is refused with the open gap, then tried again on its own and accepted once the origin
     * answers — without another transaction.
     */
    @OnEveryDatabase
    void aPduWhoseGapCouldNotBeFilledIsTriedAgainLater(Backend backend) {
        try (FederatingServer a = FederatingServer.start(backend); FederatingServer b = FederatingServer.start(backend);
                ScriptedRemote c = ScriptedRemote.start()) {
            Room room = room(a, b);
            Joined dave = joined(a, c, room, "dave");
            ObjectNode hello = dave.says("after the gap", dave.joinId(), 1);
            String helloId = FedEvents.id(hello, VERSION);
            c.authChain.add(dave.join());
            c.missingEvents.add(dave.join());
            c.refuseMissingEvents.set(1);
            FederatingServer.Reply reply = FedEvents.transaction(c.identity, a, "refused", List.of(hello), List.of());
            assertThat(error(reply, helloId)).contains("prev_events");
            assertThat(FedEvents.stored(a, helloId)).isEqualTo("absent");
            assertThat(OutboundFedClient.await(Duration.ofSeconds(20),
                    () -> FedEvents.stored(a, helloId).equals("timeline"))).isTrue();
            assertThat(c.missingEventsRequests.get()).isEqualTo(2);
            assertThat(FedEvents.state(a, room.roomId(), "m.room.member", dave.user())).isEqualTo(dave.joinId());
            assertThat(FedEvents.extremities(a, room.roomId())).containsExactly(helloId);
            assertThat(room.timelineBodies()).contains("after the gap");
        }
    }
}
