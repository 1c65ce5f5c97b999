package dev.starling.server.sync;

import static dev.starling.server.rooms.RoomClient.V3;
import static dev.starling.server.rooms.RoomClient.createRoom;
import static dev.starling.server.rooms.RoomClient.membership;
import static dev.starling.server.rooms.RoomClient.message;
import static dev.starling.server.rooms.RoomClient.register;
import static dev.starling.server.rooms.RoomClient.room;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.server.TestHomeServer;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A device that renews its long-poll with the {@code next_batch} of its last answer waits without reading the
 * store while nothing its watch covers fired ({@link SyncApi}'s fast path). Every kind of change must still wake
 * it — a message, typing, a receipt, account data, a to-device message, an invite, a message in a room joined
 * after the last answer — and a change committed before the renewal, or an older {@code since}, must still be
 * answered at once. "Wakes" means: the 30 s long-poll returns with the change, well before its timeout.
 */
class RenewedLongPollHttpTest {
    private static final String POLL = "timeout=30000&since=";

    private static JsonNode sync(TestHomeServer server, String token, String query) {
        TestHomeServer.Reply reply = server.get(V3 + "/sync" + query, token);
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        return reply.json();
    }

    /** Starts bob's renewed long-poll, checks it waits, runs the change, and returns the answer it woke with. */
    private static JsonNode wakeWith(TestHomeServer server, String bob, String since, Runnable change)
            throws Exception {
        CompletableFuture<JsonNode> poll = CompletableFuture.supplyAsync(() -> sync(server, bob, "?" + POLL + since));
        Thread.sleep(300);
        assertThat(poll).as("nothing new yet: the long-poll waits").isNotDone();
        change.run();
        return poll.get(15, TimeUnit.SECONDS);
    }

    private static List<String> bodies(JsonNode sync, String roomId) {
        List<String> bodies = new ArrayList<>();
        sync.path("rooms").path("join").path(roomId).path("timeline").path("events")
                .forEach(e -> bodies.add(e.path("content").path("body").asText()));
        return bodies;
    }

    @OnEveryDatabase
    void everyKindOfChangeWakesARenewedLongPoll(Backend backend) throws Exception {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String bob = register(server, "bob");
            String roomId = createRoom(server, alice, "{\"preset\":\"public_chat\"}");
            assertThat(membership(server, bob, roomId, "join", null).status()).isEqualTo(200);
            String since = sync(server, bob, "").path("next_batch").asText();

            JsonNode woken = wakeWith(server, bob, since, () -> message(server, alice, roomId, "t1", "one"));
            assertThat(bodies(woken, roomId)).containsExactly("one");
            since = woken.path("next_batch").asText();

            woken = wakeWith(server, bob, since, () -> assertThat(server.put(room(roomId) + "/typing/@alice:example.org",
                    "{\"typing\":true,\"timeout\":20000}", alice).status()).isEqualTo(200));
            assertThat(woken.path("rooms").path("join").path(roomId).path("ephemeral").toString())
                    .contains("m.typing").contains("@alice:example.org");
            since = woken.path("next_batch").asText();

            String first = message(server, alice, roomId, "t2", "two").json().path("event_id").asText();
            since = sync(server, bob, "?since=" + since).path("next_batch").asText();
            woken = wakeWith(server, bob, since, () -> assertThat(server.post(room(roomId) + "/receipt/m.read/" + first,
                    "{}", alice).status()).isEqualTo(200));
            assertThat(woken.path("rooms").path("join").path(roomId).path("ephemeral").toString())
                    .contains("m.receipt").contains(first);
            since = woken.path("next_batch").asText();

            woken = wakeWith(server, bob, since, () -> assertThat(server.put(V3 + "/user/@bob:example.org/account_data/x.cake",
                    "{\"flavour\":\"lemon\"}", bob).status()).isEqualTo(200));
            assertThat(woken.path("account_data").toString()).contains("x.cake").contains("lemon");
            since = woken.path("next_batch").asText();

            String bobDevice = server.get(V3 + "/account/whoami", bob).json().path("device_id").asText();
            woken = wakeWith(server, bob, since, () -> assertThat(server.put(V3 + "/sendToDevice/x.ping/tx1",
                    "{\"messages\":{\"@bob:example.org\":{\"" + bobDevice + "\":{\"n\":1}}}}", alice).status())
                    .isEqualTo(200));
            assertThat(woken.path("to_device").toString()).contains("x.ping");
            since = woken.path("next_batch").asText();

            String second = createRoom(server, alice, "{\"preset\":\"private_chat\"}");
            woken = wakeWith(server, bob, since,
                    () -> assertThat(membership(server, alice, second, "invite", "@bob:example.org").status()).isEqualTo(200));
            assertThat(woken.path("rooms").path("invite").has(second)).isTrue();
            since = woken.path("next_batch").asText();

            // bob joins from another request while not polling; the renewal must read (his rooms changed)...
            assertThat(membership(server, bob, second, "join", null).status()).isEqualTo(200);
            long start = System.nanoTime();
            JsonNode joined = sync(server, bob, "?" + POLL + since);
            assertThat(joined.path("rooms").path("join").has(second)).isTrue();
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start))
                    .as("answered without waiting for the timeout").isLessThan(15);
            // ...and a message in the new room wakes the next renewal.
            woken = wakeWith(server, bob, joined.path("next_batch").asText(),
                    () -> message(server, alice, second, "t3", "in the new room"));
            assertThat(bodies(woken, second)).containsExactly("in the new room");
        }
    }

    @OnEveryDatabase
    void aChangeBeforeTheRenewalOrAnOlderSinceIsAnsweredAtOnce(Backend backend) throws Exception {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = register(server, "alice");
            String bob = register(server, "bob");
            String roomId = createRoom(server, alice, "{\"preset\":\"public_chat\"}");
            assertThat(membership(server, bob, roomId, "join", null).status()).isEqualTo(200);
            String older = sync(server, bob, "").path("next_batch").asText();
            message(server, alice, roomId, "t1", "one");
            String last = sync(server, bob, "?since=" + older).path("next_batch").asText();

            message(server, alice, roomId, "t2", "two");
            long start = System.nanoTime();
            assertThat(bodies(sync(server, bob, "?" + POLL + last), roomId)).containsExactly("two");
            assertThat(bodies(sync(server, bob, "?" + POLL + older), roomId)).containsExactly("one", "two");
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start))
                    .as("both answered without waiting for their timeouts").isLessThan(15);
        }
    }

    @OnEveryDatabase
    void aRenewalWithNothingNewTimesOutWithAnAnswer(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String bob = register(server, "bob");
            String since = sync(server, bob, "").path("next_batch").asText();
            JsonNode quiet = sync(server, bob, "?timeout=500&since=" + since);
            assertThat(quiet.path("next_batch").asText()).isNotEmpty();
            assertThat(quiet.path("rooms").path("join").size()).isZero();
            JsonNode again = sync(server, bob, "?timeout=500&since=" + quiet.path("next_batch").asText());
            assertThat(again.path("next_batch").asText()).isNotEmpty();
        }
    }
}
