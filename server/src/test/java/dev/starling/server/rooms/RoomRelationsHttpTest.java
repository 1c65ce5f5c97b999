package dev.starling.server.rooms;

import static dev.starling.server.rooms.RoomClient.createRoom;
import static dev.starling.server.rooms.RoomClient.membership;
import static dev.starling.server.rooms.RoomClient.message;
import static dev.starling.server.rooms.RoomClient.path;
import static dev.starling.server.rooms.RoomClient.register;
import static dev.starling.server.rooms.RoomClient.room;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.server.TestHomeServer;
import dev.starling.server.TestHomeServer.Reply;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.ArrayList;
import java.util.List;

/** Relations: bundled aggregations, GET /relations, GET /threads, with visibility and redactions, on every database. */
class RoomRelationsHttpTest {
    static final String V1 = "/_matrix/client/v1";

    static String send(TestHomeServer server, String token, String roomId, String txn, String type, String content) {
        Reply reply = server.put(room(roomId) + "/send/" + type + "/" + txn, content, token);
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        return reply.json().path("event_id").asText();
    }

    static String relatesTo(String relType, String parent) {
        return "\"m.relates_to\":{\"rel_type\":\"" + relType + "\",\"event_id\":\"" + parent + "\"}";
    }

    static String edit(String parent, String text) {
        return "{\"msgtype\":\"m.text\",\"body\":\"* " + text + "\",\"m.new_content\":{\"msgtype\":\"m.text\","
                + "\"body\":\"" + text + "\"}," + relatesTo("m.replace", parent) + "}";
    }

    static String reply(String relType, String parent, String text) {
        return "{\"msgtype\":\"m.text\",\"body\":\"" + text + "\"," + relatesTo(relType, parent) + "}";
    }

    static String v1(String roomId) {
        return V1 + "/rooms/" + path(roomId);
    }

    static JsonNode event(TestHomeServer server, String token, String roomId, String eventId) {
        Reply reply = server.get(room(roomId) + "/event/" + path(eventId), token);
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        return reply.json();
    }

    static List<String> ids(JsonNode chunk) {
        List<String> ids = new ArrayList<>();
        chunk.forEach(e -> ids.add(e.path("event_id").asText()));
        return ids;
    }

    @OnEveryDatabase
    void theLatestEditByTheOriginalSenderIsBundled(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String bob = register(server, "bob");
            String roomId = createRoom(server, alice, "{\"preset\":\"public_chat\"}");
            assertThat(membership(server, bob, roomId, "join", null).status()).isEqualTo(200);
            String original = message(server, alice, roomId, "m1", "helo").json().path("event_id").asText();
            send(server, alice, roomId, "e1", "m.room.message", edit(original, "hello"));
            String latest = send(server, alice, roomId, "e2", "m.room.message", edit(original, "hello!"));
            send(server, bob, roomId, "e3", "m.room.message", edit(original, "bob's edit is not valid"));
            send(server, alice, roomId, "e4", "m.room.other", edit(original, "another type is not valid"));

            JsonNode served = event(server, bob, roomId, original);
            assertThat(served.path("content").path("body").asText()).isEqualTo("helo");
            JsonNode replace = served.path("unsigned").path("m.relations").path("m.replace");
            assertThat(replace.path("event_id").asText()).isEqualTo(latest);
            assertThat(replace.path("content").path("m.new_content").path("body").asText()).isEqualTo("hello!");
            JsonNode messages = server.get(room(roomId) + "/messages?dir=b&limit=10", bob).json().path("chunk");
            for (JsonNode e : messages) {
                if (e.path("event_id").asText().equals(original)) {
                    assertThat(e.path("unsigned").path("m.relations").path("m.replace").path("event_id").asText())
                            .isEqualTo(latest);
                }
            }

            // A redacted original gets no m.replace; a redacted edit is no longer one.
            assertThat(server.put(room(roomId) + "/redact/" + path(latest) + "/r1", "{}", alice).status())
                    .isEqualTo(200);
            assertThat(event(server, bob, roomId, original).path("unsigned").path("m.relations").path("m.replace")
                    .path("content").path("m.new_content").path("body").asText()).isEqualTo("hello");
            assertThat(server.put(room(roomId) + "/redact/" + path(original) + "/r2", "{}", alice).status())
                    .isEqualTo(200);
            assertThat(event(server, bob, roomId, original).path("unsigned").path("m.relations").has("m.replace"))
                    .isFalse();
        }
    }

    @OnEveryDatabase
    void threadsAreBundledListedAndPaged(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String bob = register(server, "bob");
            String carol = register(server, "carol");
            String roomId = createRoom(server, alice, "{\"preset\":\"public_chat\"}");
            assertThat(membership(server, bob, roomId, "join", null).status()).isEqualTo(200);
            assertThat(membership(server, carol, roomId, "join", null).status()).isEqualTo(200);
            String root = message(server, alice, roomId, "m1", "root").json().path("event_id").asText();
            String first = send(server, bob, roomId, "t1", "m.room.message", reply("m.thread", root, "one"));
            String second = send(server, bob, roomId, "t2", "m.room.message", reply("m.thread", root, "two"));
            String reaction = send(server, carol, roomId, "a1", "m.reaction",
                    "{" + relatesTo("m.annotation", second).replace("}", ",\"key\":\"👍\"}") + "}");
            String reference = send(server, carol, roomId, "r1", "m.room.message", reply("m.reference", root, "ref"));
            String otherRoot = message(server, carol, roomId, "m2", "other root").json().path("event_id").asText();
            send(server, carol, roomId, "t3", "m.room.message", reply("m.thread", otherRoot, "carol's thread"));

            JsonNode relations = event(server, carol, roomId, root).path("unsigned").path("m.relations");
            JsonNode thread = relations.path("m.thread");
            assertThat(thread.path("count").asInt()).isEqualTo(2);
            assertThat(thread.path("latest_event").path("event_id").asText()).isEqualTo(second);
            assertThat(thread.path("current_user_participated").asBoolean()).isFalse();
            assertThat(event(server, alice, roomId, root).path("unsigned").path("m.relations").path("m.thread")
                    .path("current_user_participated").asBoolean()).isTrue();
            assertThat(ids(relations.path("m.reference").path("chunk"))).containsExactly(reference);
            // Annotations are not bundled (spec v1.7+).
            assertThat(event(server, carol, roomId, second).path("unsigned").path("m.relations").has("m.annotation"))
                    .isFalse();

            JsonNode all = server.get(v1(roomId) + "/relations/" + path(root), carol).json();
            assertThat(ids(all.path("chunk"))).containsExactly(reference, second, first);
            JsonNode threadOnly = server.get(v1(roomId) + "/relations/" + path(root) + "/m.thread/m.room.message?dir=f",
                    carol).json();
            assertThat(ids(threadOnly.path("chunk"))).containsExactly(first, second);
            JsonNode page = server.get(v1(roomId) + "/relations/" + path(root) + "/m.thread?limit=1", carol).json();
            assertThat(ids(page.path("chunk"))).containsExactly(second);
            JsonNode nextPage = server.get(v1(roomId) + "/relations/" + path(root) + "/m.thread?limit=1&from="
                    + page.path("next_batch").asText(), carol).json();
            assertThat(ids(nextPage.path("chunk"))).containsExactly(first);
            assertThat(nextPage.has("next_batch")).isFalse();
            JsonNode recursive = server.get(v1(roomId) + "/relations/" + path(root) + "?recurse=true", carol).json();
            assertThat(ids(recursive.path("chunk"))).contains(reaction, first, second, reference);
            assertThat(recursive.path("recursion_depth").asInt()).isEqualTo(3);
            assertThat(all.has("recursion_depth")).isFalse();

            JsonNode threads = server.get(v1(roomId) + "/threads", alice).json();
            assertThat(ids(threads.path("chunk"))).containsExactly(otherRoot, root);
            assertThat(threads.path("chunk").get(1).path("unsigned").path("m.relations").path("m.thread")
                    .path("count").asInt()).isEqualTo(2);
            JsonNode firstThread = server.get(v1(roomId) + "/threads?limit=1", alice).json();
            assertThat(ids(firstThread.path("chunk"))).containsExactly(otherRoot);
            JsonNode secondThread = server.get(v1(roomId) + "/threads?limit=1&from="
                    + firstThread.path("next_batch").asText(), alice).json();
            assertThat(ids(secondThread.path("chunk"))).containsExactly(root);
            assertThat(ids(server.get(v1(roomId) + "/threads?include=participated", bob).json().path("chunk")))
                    .containsExactly(root);
            assertThat(server.get(v1(roomId) + "/threads?include=some", bob).status()).isEqualTo(400);
            // § Threading: no thread from an event that has a relation itself; nothing is stored.
            long events = server.queryLong("SELECT COUNT(*) FROM events");
            Reply threadOffReply = server.put(room(roomId) + "/send/m.room.message/t9",
                    reply("m.thread", first, "nested"), carol);
            assertThat(threadOffReply.status()).isEqualTo(400);
            assertThat(threadOffReply.errcode()).isEqualTo("M_UNKNOWN");
            assertThat(server.queryLong("SELECT COUNT(*) FROM events")).isEqualTo(events);

            // A redacted reply leaves the thread.
            assertThat(server.put(room(roomId) + "/redact/" + path(second) + "/r1", "{}", bob).status()).isEqualTo(200);
            JsonNode after = event(server, carol, roomId, root).path("unsigned").path("m.relations").path("m.thread");
            assertThat(after.path("count").asInt()).isEqualTo(1);
            assertThat(after.path("latest_event").path("event_id").asText()).isEqualTo(first);
            assertThat(ids(server.get(v1(roomId) + "/relations/" + path(root) + "/m.thread", carol).json()
                    .path("chunk"))).containsExactly(first);
        }
    }

    @OnEveryDatabase
    void relationsOfAnEventTheUserMayNotSeeAreAsMissingAsAnUnknownEvent(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String bob = register(server, "bob");
            String roomId = createRoom(server, alice, RoomContextHttpTest.JOINED_ONLY);
            String hidden = message(server, alice, roomId, "m1", "before bob").json().path("event_id").asText();
            send(server, alice, roomId, "t1", "m.room.message", reply("m.thread", hidden, "also before bob"));
            assertThat(membership(server, bob, roomId, "join", null).status()).isEqualTo(200);
            send(server, alice, roomId, "t2", "m.room.message", reply("m.thread", hidden, "after bob joined"));

            Reply invisible = server.get(v1(roomId) + "/relations/" + path(hidden), bob);
            Reply missing = server.get(v1(roomId) + "/relations/" + path("$" + "A".repeat(43)), bob);
            assertThat(invisible.status()).isEqualTo(404);
            assertThat(invisible.errcode()).isEqualTo("M_NOT_FOUND");
            assertThat(invisible.json()).isEqualTo(missing.json());
            assertThat(server.get(v1(roomId) + "/threads", bob).json().path("chunk").size()).isZero();
            assertThat(server.get(v1(roomId) + "/relations/" + path(hidden) + "?dir=x", alice).status())
                    .isEqualTo(400);
            assertThat(server.get(v1(roomId) + "/relations/" + path(hidden) + "?recurse=yes", alice).status())
                    .isEqualTo(400);
        }
    }
}
