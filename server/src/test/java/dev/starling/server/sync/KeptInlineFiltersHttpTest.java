package dev.starling.server.sync;

import static dev.starling.server.rooms.RoomClient.V3;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.server.SideChannels;
import dev.starling.server.TestHomeServer;
import dev.starling.server.TestHomeServer.Reply;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Inline /sync filters are parsed once and kept by their text ({@link SyncApi}): the same text gives the same
 * filtering for every user and request, another text its own, and a bad one is still refused each time.
 */
class KeptInlineFiltersHttpTest {
    private static Reply sync(TestHomeServer server, String token, String filter) {
        return server.get(V3 + "/sync?filter=" + URLEncoder.encode(filter, StandardCharsets.UTF_8), token);
    }

    private static int timeline(JsonNode sync, String roomId) {
        return sync.path("rooms").path("join").path(roomId).path("timeline").path("events").size();
    }

    @OnEveryDatabase
    void keptFiltersFilterAsParsedOnes(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            SideChannels.Pair p = SideChannels.pair(server, "public_chat");
            for (int i = 0; i < 4; i++) {
                SideChannels.message(server, p.bob(), p.roomId(), "t" + i, "m" + i);
            }
            String two = "{\"room\":{\"timeline\":{\"limit\":2}}}";
            String three = "{\"room\":{\"timeline\":{\"limit\":3}}}";
            String none = "{\"room\":{\"rooms\":[]}}";
            String bad = "{\"room\":{\"timeline\":{\"limit\":-1}}}";
            for (int round = 0; round < 2; round++) {
                for (String token : List.of(p.alice(), p.bob())) {
                    assertThat(timeline(sync(server, token, two).json(), p.roomId())).isEqualTo(2);
                    assertThat(timeline(sync(server, token, three).json(), p.roomId())).isEqualTo(3);
                    assertThat(sync(server, token, none).json().path("rooms").path("join").has(p.roomId())).isFalse();
                    Reply refused = sync(server, token, bad);
                    assertThat(refused.status()).isEqualTo(400);
                    assertThat(refused.errcode()).isEqualTo("M_INVALID_PARAM");
                }
            }
        }
    }
}
