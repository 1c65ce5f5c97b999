package dev.starling.server.todevice;

import static dev.starling.server.keys.KeysClient.V3;
import static dev.starling.server.keys.KeysClient.register;
import static dev.starling.server.keys.KeysClient.sync;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.server.TestHomeServer;
import dev.starling.server.TestHomeServer.Reply;
import dev.starling.server.keys.KeysClient;
import dev.starling.server.keys.KeysClient.User;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** PUT /sendToDevice and /sync to_device through the real homeserver, on every database. */
class ToDeviceHttpTest {
    static Reply send(TestHomeServer server, User from, String txnId, String messages) {
        return server.put(V3 + "/sendToDevice/m.test/" + txnId, "{\"messages\":" + messages + "}", from.token());
    }

    static List<String> bodies(JsonNode syncBody) {
        List<String> bodies = new ArrayList<>();
        syncBody.path("to_device").path("events").forEach(e -> bodies.add(e.path("content").path("n").asText()));
        return bodies;
    }

    @OnEveryDatabase
    void aMessageIsDeliveredUntilALaterSyncProvesTheClientGotIt(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = register(server, "alice");
            User bob = register(server, "bob");
            String since = sync(server, bob, null).json().path("next_batch").asText();
            Reply sent = send(server, alice, "t1", "{\"" + bob.userId() + "\":{\"" + bob.deviceId() + "\":{\"n\":\"1\"}}}");
            assertThat(sent.status()).isEqualTo(200);
            assertThat(send(server, alice, "t1", "{\"" + bob.userId() + "\":{\"" + bob.deviceId()
                    + "\":{\"n\":\"1\"}}}").status()).as("a retried transaction").isEqualTo(200);

            JsonNode first = sync(server, bob, since).json();
            assertThat(bodies(first)).containsExactly("1");
            JsonNode event = first.path("to_device").path("events").get(0);
            assertThat(event.path("sender").asText()).isEqualTo(alice.userId());
            assertThat(event.path("type").asText()).isEqualTo("m.test");
            // The answer was lost: the same since gets the message again.
            assertThat(bodies(sync(server, bob, since).json())).containsExactly("1");
            JsonNode next = sync(server, bob, first.path("next_batch").asText()).json();
            assertThat(bodies(next)).isEmpty();
            assertThat(server.queryLong("SELECT COUNT(*) FROM to_device_inbox")).isZero();
        }
    }

    @OnEveryDatabase
    void aStarReachesEveryDeviceOfTheUserAndAtMostAHundredComePerSync(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = register(server, "alice");
            User bob = register(server, "bob");
            User bobLaptop = KeysClient.login(server, "bob");
            for (int i = 0; i < 105; i++) {
                assertThat(send(server, alice, "t" + i, "{\"" + bob.userId() + "\":{\"*\":{\"n\":\"" + i + "\"}}}")
                        .status()).isEqualTo(200);
            }
            JsonNode page1 = sync(server, bob, null).json();
            assertThat(bodies(page1)).hasSize(100).startsWith("0", "1").endsWith("99");
            JsonNode page2 = sync(server, bob, page1.path("next_batch").asText()).json();
            assertThat(bodies(page2)).containsExactly("100", "101", "102", "103", "104");
            assertThat(page2.path("next_batch").asText()).isNotEqualTo(page1.path("next_batch").asText());
            // page2's answer was lost: the client syncs again from page1's token and gets the rest again.
            assertThat(bodies(sync(server, bob, page1.path("next_batch").asText()).json())).hasSize(5);
            JsonNode page3 = sync(server, bob, page2.path("next_batch").asText()).json();
            assertThat(bodies(page3)).isEmpty();
            assertThat(bodies(sync(server, bobLaptop, null).json())).hasSize(100);
        }
    }

    @OnEveryDatabase
    void aWaitingSyncWakesForAToDeviceMessage(Backend backend) throws Exception {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = register(server, "alice");
            User bob = register(server, "bob");
            String since = sync(server, bob, null).json().path("next_batch").asText();
            CompletableFuture<Reply> waiting = CompletableFuture.supplyAsync(
                    () -> server.get(V3 + "/sync?timeout=20000&since=" + since, bob.token()));
            Thread.sleep(300);
            send(server, alice, "w", "{\"" + bob.userId() + "\":{\"" + bob.deviceId() + "\":{\"n\":\"wake\"}}}");
            assertThat(bodies(waiting.get(10, TimeUnit.SECONDS).json())).containsExactly("wake");
        }
    }

    @OnEveryDatabase
    void badMessagesAreRefusedAndUnknownOrRemoteRecipientsAreSkipped(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            User alice = register(server, "alice");
            User bob = register(server, "bob");
            String[][] cases = {
                    {"{}", "M_MISSING_PARAM"},
                    {"{\"messages\":[]}", "M_BAD_JSON"},
                    {"{\"messages\":{\"bob\":{}}}", "M_INVALID_PARAM"},
                    {"{\"messages\":{\"" + bob.userId() + "\":[]}}", "M_BAD_JSON"},
                    {"{\"messages\":{\"" + bob.userId() + "\":{\"*\":\"text\"}}}", "M_BAD_JSON"},
                    {"not json", "M_NOT_JSON"},
            };
            for (String[] c : cases) {
                Reply reply = server.put(V3 + "/sendToDevice/m.test/bad", c[0], alice.token());
                assertThat(reply.status()).as(c[0]).isEqualTo(400);
                assertThat(reply.errcode()).as(c[0]).isEqualTo(c[1]);
            }
            assertThat(send(server, alice, "ok", "{\"@nobody:example.org\":{\"*\":{}},\"" + bob.userId()
                    + "\":{\"NODEVICE\":{}},\"@x:elsewhere.org\":{\"*\":{}}}").status()).isEqualTo(200);
            assertThat(server.queryLong("SELECT COUNT(*) FROM to_device_inbox")).isZero();
            assertThat(server.queryLong("SELECT COUNT(*) FROM to_device_txns")).isEqualTo(1);
        }
    }
}
