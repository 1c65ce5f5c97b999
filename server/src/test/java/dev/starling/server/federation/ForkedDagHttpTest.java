package dev.starling.server.federation;

import static dev.starling.server.federation.FedEvents.client;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.protocol.rooms.RoomVersion;
import dev.starling.server.federation.FedEvents.Remote;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.ArrayList;
import java.util.List;

/**
 * Two remote servers change the state of a local room concurrently (a forked DAG): both branches are accepted,
 * the forward extremities become a set, the current state is their resolution (v2 for room v11, v2.1 for v12),
 * and the next local event merges the branches. The expected winners are worked out by hand from the spec's
 * algorithm, not by calling the resolver: two topics at the same mainline position are ordered by
 * origin_server_ts, so the later one wins whatever the arrival order; a ban (a power event, resolved first)
 * beats a concurrent topic change by the banned user, which then fails the iterative auth checks.
 */
class ForkedDagHttpTest {

    private record Setup(FederatingServer a, Remote b, Remote c, String alice, String roomId, String bob,
            String carol, RoomVersion version) {
        String send(Remote from, String txn, ObjectNode pdu) {
            String id = FedEvents.id(pdu, version);
            FederatingServer.Reply reply = FedEvents.transaction(from, a, txn, List.of(pdu), List.of());
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.json().path("pdus").path(id).has("error")).as(reply.json().toString()).isFalse();
            return id;
        }

        ObjectNode state(Remote from, String sender, String type, String stateKey, String content, List<String> prev,
                long ts) {
            List<String> auth = FedEvents.auth(a, version, roomId, sender, false);
            return FedEvents.pdu(from, version, roomId, sender, type, stateKey, FedEvents.content(content), prev, auth,
                    FedEvents.maxDepth(a, roomId) + 1, ts);
        }

        String topicNow() {
            return FedEvents.state(a, roomId, "m.room.topic", "");
        }
    }

    private static Setup setup(FederatingServer a, FederatingServer b, FederatingServer c, RoomVersion version,
            String alice) {
        Remote rb = Remote.of(b);
        Remote rc = Remote.of(c);
        String roomId = FedEvents.createPublicRoom(a, alice, version);
        Setup s = new Setup(a, rb, rc, alice, roomId, rb.user("bob"), rc.user("carol"), version);
        s.send(rb, "jb" + roomId, FedEvents.join(a, rb, version, roomId, s.bob()));
        s.send(rc, "jc" + roomId, FedEvents.join(a, rc, version, roomId, s.carol()));
        String room = FedEvents.V3 + "/rooms/" + FedEvents.path(roomId);
        ObjectNode power = (ObjectNode) client(a, "GET", room + "/state/m.room.power_levels/", null, alice).json();
        power.with("users").put(s.bob(), 50).put(s.carol(), 60);
        FederatingServer.Reply set = client(a, "PUT", room + "/state/m.room.power_levels/", power.toString(), alice);
        assertThat(set.status()).as(String.valueOf(set.json())).isEqualTo(200);
        return s;
    }

    @OnEveryDatabase
    void concurrentStateFromTwoServersIsResolvedAndMergedByTheNextLocalEvent(Backend backend) {
        try (FederatingServer a = FederatingServer.start(backend); FederatingServer b = FederatingServer.start(backend);
                FederatingServer c = FederatingServer.start(backend)) {
            String alice = FedEvents.register(a, "alice");
            for (RoomVersion version : List.of(RoomVersion.V11, RoomVersion.V12)) {
                for (boolean carolFirst : List.of(false, true)) {
                    Setup s = setup(a, b, c, version, alice);
                    List<String> fork = FedEvents.extremities(a, s.roomId());
                    long t = System.currentTimeMillis();
                    ObjectNode bobTopic = s.state(s.b(), s.bob(), "m.room.topic", "", "{\"topic\":\"B\"}", fork, t + 1000);
                    ObjectNode carolTopic = s.state(s.c(), s.carol(), "m.room.topic", "", "{\"topic\":\"C\"}", fork,
                            t + 2000);
                    String bobId;
                    String carolId;
                    if (carolFirst) {
                        carolId = s.send(s.c(), "tc" + s.roomId(), carolTopic);
                        bobId = s.send(s.b(), "tb" + s.roomId(), bobTopic);
                    } else {
                        bobId = s.send(s.b(), "tb" + s.roomId(), bobTopic);
                        carolId = s.send(s.c(), "tc" + s.roomId(), carolTopic);
                    }
                    assertThat(FedEvents.extremities(a, s.roomId())).containsExactlyInAnyOrder(bobId, carolId);
                    // Same mainline position: origin_server_ts orders them; the later (carol's) is applied last.
                    assertThat(s.topicNow()).as(version + " carolFirst=" + carolFirst).isEqualTo(carolId);

                    String merge;
                    if (carolFirst) {
                        // A remote event merges the branches: the state before it is their resolution.
                        ObjectNode remoteMerge = FedEvents.message(a, s.b(), version, s.roomId(), s.bob(), "merged");
                        merge = s.send(s.b(), "mb" + s.roomId(), remoteMerge);
                        assertThat(FedEvents.stored(a, merge)).isEqualTo("timeline");
                    } else {
                        // The next local event names both branches and merges them.
                        merge = FedEvents.say(a, alice, s.roomId(), "merged");
                    }
                    JsonNode mergeJson = CanonicalJson.parse(FedEvents.strings(a,
                            "SELECT json FROM events WHERE event_id = ?", merge).get(0));
                    List<String> prevs = new ArrayList<>();
                    mergeJson.path("prev_events").forEach(p -> prevs.add(p.asText()));
                    assertThat(prevs).containsExactlyInAnyOrder(bobId, carolId);
                    assertThat(FedEvents.extremities(a, s.roomId())).containsExactly(merge);
                    assertThat(s.topicNow()).isEqualTo(carolId);
                    // The state before the merge, as served to a member server, is the resolved one.
                    FederatingServer.Reply before = FedEvents.signed(s.b(), a, "GET", FedEvents.FED + "/state_ids/"
                            + FedEvents.path(s.roomId()) + "?event_id=" + FedEvents.path(merge), null);
                    List<String> stateBefore = new ArrayList<>();
                    before.json().path("pdu_ids").forEach(p -> stateBefore.add(p.asText()));
                    assertThat(stateBefore).contains(carolId).doesNotContain(bobId);

                    // Carol bans bob while bob changes the topic, both on the merge.
                    List<String> fork2 = List.of(merge);
                    ObjectNode bobTopic2 = s.state(s.b(), s.bob(), "m.room.topic", "", "{\"topic\":\"B2\"}", fork2,
                            t + 3000);
                    ObjectNode ban = s.state(s.c(), s.carol(), "m.room.member", s.bob(), "{\"membership\":\"ban\"}",
                            fork2, t + 2500);
                    String bobTopic2Id = s.send(s.b(), "tb2" + s.roomId(), bobTopic2);
                    assertThat(s.topicNow()).isEqualTo(bobTopic2Id);
                    String banId = s.send(s.c(), "ban" + s.roomId(), ban);
                    assertThat(FedEvents.extremities(a, s.roomId())).containsExactlyInAnyOrder(bobTopic2Id, banId);
                    // The ban is a power event, resolved first; bob's topic then fails against it: carol's stays.
                    assertThat(FedEvents.state(a, s.roomId(), "m.room.member", s.bob())).isEqualTo(banId);
                    assertThat(s.topicNow()).as(version.toString()).isEqualTo(carolId);
                    JsonNode members = client(a, "GET", FedEvents.V3 + "/rooms/" + FedEvents.path(s.roomId())
                            + "/joined_members", null, alice).json().path("joined");
                    assertThat(members.has(s.bob())).isFalse();
                    assertThat(members.has(s.carol())).isTrue();

                    // Bob, banned in the resolved state, cannot talk on top of it.
                    ObjectNode after = FedEvents.message(a, s.b(), version, s.roomId(), s.bob(), "still here?");
                    String afterId = FedEvents.id(after, version);
                    FederatingServer.Reply refused = FedEvents.transaction(s.b(), a, "after" + s.roomId(),
                            List.of(after), List.of());
                    assertThat(refused.json().path("pdus").path(afterId).path("error").asText()).contains("rejected");
                }
            }
        }
    }
}
