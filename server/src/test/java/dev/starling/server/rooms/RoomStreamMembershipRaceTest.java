package dev.starling.server.rooms;

import static dev.starling.server.rooms.RoomClient.V3;
import static dev.starling.server.rooms.RoomClient.createRoom;
import static dev.starling.server.rooms.RoomClient.membership;
import static dev.starling.server.rooms.RoomClient.message;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.id.DeviceId;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.TestHomeServer;
import dev.starling.server.TestHomeServer.Reply;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * A sync reads {@code next_batch} = P first and then the user's memberships; a leave committed between the two
 * (at P+1) must not make the sync skip the room, or the events in (since, P] would never be delivered: the
 * next sync (since P) only covers (P, leave]. The interleaving is made deterministic by reading the stream
 * with an explicit position P after the leave has committed.
 */
class RoomStreamMembershipRaceTest {
    @OnEveryDatabase
    void aLeaveAfterTheSyncPositionDoesNotHideTheEventsBeforeIt(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = RoomClient.register(server, "alice");
            Reply bobAccount = server.register("bob", "pw");
            String bob = bobAccount.json().path("access_token").asText();
            DeviceId bobDevice = DeviceId.parse(bobAccount.json().path("device_id").asText());
            UserId bobId = UserId.parse("@bob:example.org");
            String roomId = createRoom(server, alice, "{\"preset\":\"public_chat\"}");
            assertThat(membership(server, bob, roomId, "join", null).status()).isEqualTo(200);
            String since = server.get(V3 + "/sync", bob).json().path("next_batch").asText();
            message(server, alice, roomId, "t1", "before the leave");

            RoomStream stream = new Rooms(TestHomeServer.SERVER_NAME, SigningKey.generate(KeyId.ed25519("x")),
                    server.database(), Clock.systemUTC(), new SecureRandom(), user -> true).stream();
            long p = stream.position();
            assertThat(membership(server, bob, roomId, "leave", null).status()).isEqualTo(200);

            RoomStream.Batch first = stream.sync(bobId, bobDevice, Optional.of(StreamToken.parse("since", since)), p,
                    10, false);
            assertThat(first.join()).extracting(RoomStream.RoomBatch::roomId).containsExactly(RoomId.parse(roomId));
            assertThat(first.join().get(0).timeline()).extracting(e -> e.path("content").path("body").asText())
                    .containsExactly("before the leave");
            assertThat(first.leave()).isEmpty();

            RoomStream.Batch second = stream.sync(bobId, bobDevice, Optional.of(new StreamToken(p)), stream.position(),
                    10, false);
            assertThat(second.join()).isEmpty();
            assertThat(second.leave()).hasSize(1);
            List<JsonNode> leaveTimeline = List.copyOf(second.leave().get(0).timeline());
            assertThat(leaveTimeline).extracting(e -> e.path("content").path("membership").asText())
                    .containsExactly("leave");
        }
    }
}
