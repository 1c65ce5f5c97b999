package dev.starling.server.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.protocol.id.UserId;
import dev.starling.server.TestHomeServer;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@link RoomStream#joinedRooms} and {@link RoomMembers#membershipChanges} answer from memory when no member event was stored in the user's rooms
 * (device lists ask it on every /sync): each answer must equal the database's, for every range between the
 * positions seen, through joins, leaves, invites and messages in several rooms, concurrent joins of others and a
 * restart.
 */
class KeptMemberRoomsHttpTest {
    private static final UserId ALICE = UserId.parse("@alice:example.org");

    private static long position(TestHomeServer server) {
        return server.queryLong("SELECT position FROM stream_position WHERE id = 1");
    }

    private static void assertSame(RoomMembers members, List<Long> positions, long upTo) {
        for (long after : positions) {
            if (after <= upTo) {
                assertThat(members.membershipChanges(ALICE, after, upTo)).as("(" + after + ", " + upTo + "]")
                        .isEqualTo(members.readMembershipChanges(ALICE, after, upTo));
            }
        }
    }

    @OnEveryDatabase
    void answersEqualTheDatabase(Backend backend) throws Exception {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            String alice = RoomClient.register(server, "alice");
            String bob = RoomClient.register(server, "bob");
            String carol = RoomClient.register(server, "carol");
            String first = RoomClient.createRoom(server, alice, "{\"preset\":\"public_chat\"}");
            String second = RoomClient.createRoom(server, bob, "{\"preset\":\"public_chat\"}");
            String elsewhere = RoomClient.createRoom(server, carol, "{\"preset\":\"public_chat\"}");
            RoomMembers members = new RoomMembers(server.database());
            RoomStream stream = new RoomStream(server.database());
            List<Long> positions = new ArrayList<>(List.of(0L, position(server)));
            List<Runnable> steps = List.of(
                    () -> RoomClient.membership(server, bob, first, "join", null),
                    () -> RoomClient.message(server, bob, first, "m1", "hello"),
                    () -> RoomClient.membership(server, carol, elsewhere, "invite", "@bob:example.org"),
                    () -> RoomClient.membership(server, bob, second, "invite", "@alice:example.org"),
                    () -> RoomClient.membership(server, alice, second, "join", null),
                    () -> RoomClient.message(server, carol, elsewhere, "m2", "elsewhere"),
                    () -> RoomClient.membership(server, carol, first, "join", null),
                    () -> RoomClient.membership(server, carol, first, "leave", null),
                    () -> RoomClient.membership(server, alice, second, "leave", null),
                    () -> RoomClient.membership(server, bob, second, "leave", null),
                    () -> RoomClient.message(server, bob, first, "m3", "bye"));
            for (Runnable step : steps) {
                step.run();
                long upTo = position(server);
                assertSame(members, positions, upTo);
                assertSame(members, positions, upTo); // again, now kept
                for (String user : List.of("alice", "bob", "carol")) {
                    UserId id = UserId.parse("@" + user + ":example.org");
                    assertThat(stream.joinedRooms(id)).as(user).isEqualTo(stream.readJoinedRooms(id));
                    assertThat(stream.joinedRooms(id)).as(user + ", kept").isEqualTo(stream.readJoinedRooms(id));
                }
                positions.add(upTo);
            }

            // Others join and leave alice's room while she asks.
            ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
            try {
                List<Future<?>> writers = new ArrayList<>();
                for (String token : List.of(bob, carol)) {
                    writers.add(pool.submit(() -> {
                        for (int i = 0; i < 6; i++) {
                            RoomClient.membership(server, token, first, i % 2 == 0 ? "leave" : "join", null);
                            RoomClient.membership(server, token, elsewhere, "join", null);
                        }
                    }));
                }
                while (writers.stream().anyMatch(f -> !f.isDone())) {
                    assertThat(stream.joinedRooms(ALICE)).isEqualTo(stream.readJoinedRooms(ALICE));
                    long upTo = position(server);
                    assertSame(members, positions.subList(positions.size() - 3, positions.size()), upTo);
                    positions.add(upTo);
                }
                for (Future<?> f : writers) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            assertSame(members, positions, position(server));
            for (String user : List.of("alice", "bob", "carol")) {
                UserId id = UserId.parse("@" + user + ":example.org");
                assertThat(stream.joinedRooms(id)).as(user).isEqualTo(stream.readJoinedRooms(id));
            }

            server.restart();
            RoomMembers afterRestart = new RoomMembers(server.database());
            assertSame(afterRestart, positions, position(server));
            RoomClient.membership(server, bob, first, "join", null);
            assertSame(afterRestart, positions, position(server));
        }
    }
}
