package dev.starling.server.filters;

import static dev.starling.server.SideChannels.message;
import static dev.starling.server.SideChannels.roomEvents;
import static dev.starling.server.SideChannels.sync;
import static dev.starling.server.rooms.RoomClient.V3;
import static dev.starling.server.rooms.RoomClient.path;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.server.SideChannels;
import dev.starling.server.TestHomeServer;
import dev.starling.server.TestHomeServer.Reply;
import dev.starling.server.rooms.RoomClient;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.List;

/** Uploading, downloading and syncing with filters, through the real homeserver, on every database. */
class FiltersHttpTest {
    static final String ALICE = "@alice:example.org";

    static String filters(String user) {
        return V3 + "/user/" + path(user) + "/filter";
    }

    /**
     * Announces a filter one byte over the limit without sending it: the answer comes from the declared length
     * alone (sending it could race with the server closing the connection). Returns the raw response.
     */
    static String declareHugeFilter(TestHomeServer server, String token) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST " + filters(ALICE) + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + token + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + (FiltersApi.MAX_FILTER_BYTES + 1) + "\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            java.io.InputStream in = socket.getInputStream();
            StringBuilder response = new StringBuilder();
            byte[] buffer = new byte[4096];
            int n;
            while (!response.toString().contains("errcode") && (n = in.read(buffer)) > 0) {
                response.append(new String(buffer, 0, n, java.nio.charset.StandardCharsets.UTF_8));
            }
            return response.toString();
        }
    }

    @OnEveryDatabase
    void anUploadedFilterIsReadBackAndUsedBySync(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            for (int i = 0; i < 4; i++) {
                message(server, p.alice(), p.roomId(), "t" + i, "m" + i);
            }
            String filter = "{\"room\":{\"timeline\":{\"limit\":2},\"state\":{\"lazy_load_members\":true}},"
                    + "\"event_fields\":[\"type\",\"content\"],\"org.example.future\":1}";
            Reply uploaded = server.post(filters(ALICE), filter, p.alice());
            assertThat(uploaded.status()).as(uploaded.json().toString()).isEqualTo(200);
            String id = uploaded.json().path("filter_id").asText();
            assertThat(id).isNotEmpty().doesNotStartWith("{");
            assertThat(server.post(filters(ALICE), filter, p.alice()).json().path("filter_id").asText())
                    .as("the same filter again").isEqualTo(id);
            String other = server.post(filters(ALICE), "{}", p.alice()).json().path("filter_id").asText();
            assertThat(other).isNotEqualTo(id);

            Reply downloaded = server.get(filters(ALICE) + "/" + id, p.alice());
            assertThat(downloaded.status()).isEqualTo(200);
            assertThat(downloaded.json().path("room").path("timeline").path("limit").asInt()).isEqualTo(2);
            assertThat(downloaded.json().path("org.example.future").asInt()).as("unknown keys kept").isEqualTo(1);

            JsonNode synced = sync(server, p.alice(), "?filter=" + id);
            assertThat(roomEvents(synced, p.roomId(), "timeline")).hasSize(2);
        }
    }

    @OnEveryDatabase
    void otherUsersFiltersUnknownIdsAndBadFiltersAreRefused(Backend backend) throws Exception {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = RoomClient.register(server, "alice");
            String bob = RoomClient.register(server, "bob");
            String bobs = server.post(filters("@bob:example.org"), "{}", bob).json().path("filter_id").asText();

            Reply forOther = server.post(filters("@bob:example.org"), "{}", alice);
            assertThat(forOther.status()).isEqualTo(403);
            assertThat(forOther.errcode()).isEqualTo("M_FORBIDDEN");
            assertThat(server.get(filters("@bob:example.org") + "/" + bobs, alice).status()).isEqualTo(403);
            Reply notMine = server.get(filters(ALICE) + "/" + bobs, alice);
            assertThat(notMine.status()).as("bob's ID read as alice's").isEqualTo(404);
            assertThat(notMine.errcode()).isEqualTo("M_NOT_FOUND");
            assertThat(server.get(filters(ALICE) + "/abc", alice).status()).isEqualTo(404);

            for (String bad : List.of("{\"room\":[]}", "{\"room\":{\"timeline\":{\"limit\":-1}}}",
                    "{\"room\":{\"timeline\":{\"types\":[1]}}}", "{\"room\":{\"rooms\":[\"not a room\"]}}",
                    "{\"presence\":{\"senders\":[\"nobody\"]}}", "{\"event_format\":\"xml\"}",
                    "{\"room\":{\"include_leave\":\"yes\"}}", "{\"room\":{\"timeline\":{\"limit\":1.5}}}")) {
                Reply refused = server.post(filters(ALICE), bad, alice);
                assertThat(refused.status()).as(bad).isEqualTo(400);
                assertThat(refused.errcode()).as(bad).isEqualTo("M_BAD_JSON");
            }
            StringBuilder types = new StringBuilder("{\"room\":{\"timeline\":{\"types\":[");
            for (int i = 0; i <= FilterValidator.MAX_LIST; i++) {
                types.append(i == 0 ? "" : ",").append("\"t").append(i).append('"');
            }
            Reply longList = server.post(filters(ALICE), types + "]}}}", alice);
            assertThat(longList.status()).isEqualTo(400);
            assertThat(longList.errcode()).isEqualTo("M_BAD_JSON");
            String tooLarge = declareHugeFilter(server, alice);
            assertThat(tooLarge).startsWith("HTTP/1.1 413").contains("M_TOO_LARGE");
            assertThat(server.queryLong("SELECT COUNT(*) FROM filters WHERE user_id = '@alice:example.org'"))
                    .as("nothing stored").isZero();

            Reply unknownInSync = server.get(V3 + "/sync?filter=77", alice);
            assertThat(unknownInSync.status()).isEqualTo(400);
            assertThat(unknownInSync.errcode()).isEqualTo("M_INVALID_PARAM");
            assertThat(server.get(V3 + "/sync?filter=" + bobs, alice).status()).as("bob's filter").isEqualTo(400);
        }
    }
}
