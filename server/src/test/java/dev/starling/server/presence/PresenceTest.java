package dev.starling.server.presence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.server.sync.EphemeralStream;
import dev.starling.server.sync.Notifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link Presence}'s state machine under a clock the test moves: idle, sync and remote timeouts, positions. */
class PresenceTest {
    private static final ServerName SELF = ServerName.parse("example.org");
    private static final UserId ALICE = UserId.parse("@alice:example.org");
    private static final UserId RITA = UserId.parse("@rita:remote.example");
    private static final RoomId ROOM = RoomId.parse("!room:example.org");

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        final AtomicLong millis = new AtomicLong(1_700_000_000_000L);

        void advance(Duration by) {
            millis.addAndGet(by.toMillis());
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private final MovableClock clock = new MovableClock();
    private final EphemeralStream stream = new EphemeralStream();
    private final List<UserPresence> told = new ArrayList<>();

    private Presence presence(boolean enabled) {
        Presence presence = new Presence(SELF, enabled, clock, stream, new Notifier(), new Presence.Audience() {
            @Override
            public List<RoomId> joinedRooms(UserId user) {
                return List.of(ROOM);
            }

            @Override
            public Set<UserId> usersSharingRoomWith(UserId user) {
                return Set.of(ALICE, RITA);
            }

            @Override
            public Set<UserId> joinedMembers(RoomId roomId) {
                return Set.of(ALICE, RITA);
            }
        });
        presence.listen((changed, now) -> told.add(changed));
        return presence;
    }

    @Test
    void aSyncingUserIsOnlineThenIdleThenOfflineAfterTheirLastSyncEnds() {
        Presence presence = presence(true);
        assertThat(presence.get(ALICE).state()).isEqualTo(PresenceState.OFFLINE);
        presence.syncStarted(ALICE, PresenceState.ONLINE);
        UserPresence online = presence.get(ALICE);
        assertThat(online.state()).isEqualTo(PresenceState.ONLINE);
        assertThat(online.currentlyActive()).isTrue();
        assertThat(online.lastActiveTs()).isEqualTo(clock.millis());

        // still syncing: never offline, but currently_active ends after the window and the user idles
        clock.advance(Presence.ACTIVE_WINDOW.plusSeconds(1));
        presence.sweep();
        assertThat(presence.get(ALICE).state()).isEqualTo(PresenceState.ONLINE);
        assertThat(presence.get(ALICE).currentlyActive()).isFalse();
        clock.advance(Presence.IDLE_TIMEOUT);
        presence.sweep();
        assertThat(presence.get(ALICE).state()).isEqualTo(PresenceState.UNAVAILABLE);

        presence.syncEnded(ALICE, PresenceState.ONLINE);
        clock.advance(Presence.SYNC_TIMEOUT.minusSeconds(1));
        presence.sweep();
        assertThat(presence.get(ALICE).state()).as("not yet").isEqualTo(PresenceState.UNAVAILABLE);
        clock.advance(Duration.ofSeconds(1));
        presence.sweep();
        assertThat(presence.get(ALICE).state()).isEqualTo(PresenceState.OFFLINE);
        assertThat(told).extracting(UserPresence::state).containsExactly(PresenceState.ONLINE,
                PresenceState.ONLINE, PresenceState.UNAVAILABLE, PresenceState.OFFLINE);
    }

    @Test
    void settingOnlineIsAnActivityAndOnlyVisibleChangesTakeAPosition() {
        Presence presence = presence(true);
        presence.set(ALICE, PresenceState.ONLINE, Optional.of("lunch"));
        long first = presence.get(ALICE).position();
        assertThat(first).isPositive();
        clock.advance(Duration.ofSeconds(10));
        presence.set(ALICE, PresenceState.ONLINE, Optional.of("lunch"));
        assertThat(presence.get(ALICE).position()).as("nothing a client sees changed").isEqualTo(first);
        assertThat(presence.get(ALICE).lastActiveTs()).as("but the last activity is up to date")
                .isEqualTo(clock.millis());
        presence.set(ALICE, PresenceState.ONLINE, Optional.empty());
        assertThat(presence.get(ALICE).position()).isGreaterThan(first);
        assertThat(presence.changedBetween(first, stream.current())).extracting(UserPresence::user)
                .containsExactly(ALICE);
        assertThat(presence.changedBetween(stream.current(), stream.current())).isEmpty();
    }

    @Test
    void setPresenceOfflineDoesNotKeepAUserOnlineAndUnavailableMarksThemIdle() {
        Presence presence = presence(true);
        presence.syncStarted(ALICE, PresenceState.OFFLINE);
        assertThat(presence.get(ALICE).state()).isEqualTo(PresenceState.OFFLINE);
        presence.syncEnded(ALICE, PresenceState.OFFLINE);
        presence.syncStarted(ALICE, PresenceState.UNAVAILABLE);
        assertThat(presence.get(ALICE).state()).isEqualTo(PresenceState.UNAVAILABLE);
        presence.syncEnded(ALICE, PresenceState.UNAVAILABLE);

        presence.set(ALICE, PresenceState.ONLINE, Optional.empty());
        presence.syncStarted(ALICE, PresenceState.OFFLINE); // a sync with set_presence=offline does not count
        clock.advance(Presence.SYNC_TIMEOUT);
        presence.sweep();
        assertThat(presence.get(ALICE).state()).isEqualTo(PresenceState.OFFLINE);
    }

    @Test
    void sendingAnEventBringsAnIdleUserBackOnlineButNotAnOfflineOne() {
        Presence presence = presence(true);
        presence.active(ALICE);
        assertThat(presence.get(ALICE).state()).isEqualTo(PresenceState.OFFLINE);
        assertThat(presence.get(ALICE).lastActiveTs()).isEqualTo(clock.millis());
        presence.set(ALICE, PresenceState.UNAVAILABLE, Optional.empty());
        clock.advance(Duration.ofSeconds(5));
        presence.active(ALICE);
        assertThat(presence.get(ALICE).state()).isEqualTo(PresenceState.ONLINE);
        assertThat(presence.get(ALICE).currentlyActive()).isTrue();
        assertThat(presence.get(ALICE).lastActiveTs()).isEqualTo(clock.millis());
    }

    @Test
    void remoteUsersTurnOfflineWhenTheirServerStopsRenewing() {
        Presence presence = presence(true);
        assertThat(presence.remote(RITA, PresenceState.ONLINE, Optional.of("hi"), 5_000, true)).isTrue();
        UserPresence rita = presence.get(RITA);
        assertThat(rita.state()).isEqualTo(PresenceState.ONLINE);
        assertThat(rita.lastActiveTs()).isEqualTo(clock.millis() - 5_000);
        assertThat(rita.statusMsg()).contains("hi");
        clock.advance(Presence.IDLE_TIMEOUT.plusMinutes(1));
        presence.sweep();
        assertThat(presence.get(RITA).state()).as("the remote server decides idleness").isEqualTo(PresenceState.ONLINE);
        clock.advance(Presence.REMOTE_TIMEOUT);
        presence.sweep();
        assertThat(presence.get(RITA).state()).isEqualTo(PresenceState.OFFLINE);
        assertThat(presence.remote(ALICE, PresenceState.ONLINE, Optional.empty(), 0, true))
                .as("a remote update never speaks for a local user").isFalse();
        assertThat(presence.get(ALICE).state()).isEqualTo(PresenceState.OFFLINE);
    }

    @Test
    void disabledPresenceChangesNothing() {
        Presence presence = presence(false);
        presence.set(ALICE, PresenceState.ONLINE, Optional.of("x"));
        presence.syncStarted(ALICE, PresenceState.ONLINE);
        assertThat(presence.remote(RITA, PresenceState.ONLINE, Optional.empty(), 0, true)).isFalse();
        assertThat(presence.get(ALICE).state()).isEqualTo(PresenceState.OFFLINE);
        assertThat(stream.current()).isZero();
        assertThat(told).isEmpty();
    }

    @Test
    void contentCarriesTheSpecFields() {
        UserPresence online = new UserPresence(ALICE, PresenceState.ONLINE, Optional.of("busy"), 1_000, true, 3);
        assertThat(online.content(4_000).toString())
                .isEqualTo("{\"presence\":\"online\",\"last_active_ago\":3000,\"currently_active\":true,"
                        + "\"status_msg\":\"busy\"}");
        assertThat(UserPresence.unknown(ALICE).content(4_000).toString()).isEqualTo("{\"presence\":\"offline\"}");
    }

    @Test
    void changedBetweenGivesEachUsersLatestChangeInThePositionRangeOnly() {
        Presence presence = presence(true);
        UserId bob = UserId.parse("@bob:example.org");
        long start = stream.current();
        presence.syncStarted(ALICE, PresenceState.ONLINE);
        long afterAlice = stream.current();
        presence.syncStarted(bob, PresenceState.ONLINE);
        long afterBob = stream.current();
        presence.set(ALICE, PresenceState.ONLINE, Optional.of("lunch"));
        long end = stream.current();

        assertThat(presence.changedBetween(start, end)).extracting(UserPresence::user).containsExactly(bob, ALICE);
        assertThat(presence.changedBetween(start, afterBob)).extracting(UserPresence::user)
                .as("alice's first change was replaced by her later one").containsExactly(bob);
        assertThat(presence.changedBetween(afterAlice, afterBob)).extracting(UserPresence::user).containsExactly(bob);
        assertThat(presence.changedBetween(afterBob, end)).singleElement()
                .satisfies(p -> assertThat(p.statusMsg()).contains("lunch"));
        assertThat(presence.changedBetween(end, end)).isEmpty();
        // A sync, an end of sync and a send change nothing visible, and take no position.
        presence.syncEnded(bob, PresenceState.ONLINE);
        presence.active(ALICE);
        presence.syncStarted(bob, PresenceState.ONLINE);
        assertThat(stream.current()).isEqualTo(end);
        assertThat(presence.changedBetween(end, Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void aForgottenRemoteUserLeavesNoChangeBehind() {
        Presence presence = presence(true);
        long start = stream.current();
        presence.remote(RITA, PresenceState.ONLINE, Optional.empty(), 0, true);
        clock.advance(Presence.REMOTE_TIMEOUT.plusSeconds(1));
        presence.sweep();
        assertThat(presence.get(RITA).state()).isEqualTo(PresenceState.OFFLINE);
        assertThat(presence.changedBetween(start, stream.current())).extracting(UserPresence::user)
                .containsExactly(RITA);
        for (int i = 0; i < Presence.MAX_REMOTE_USERS; i++) {
            presence.remote(UserId.parse("@r" + i + ":remote.example"), PresenceState.ONLINE, Optional.empty(), 0, true);
        }
        assertThat(presence.changedBetween(start, stream.current())).extracting(UserPresence::user)
                .as("rita, offline, was forgotten to make room").doesNotContain(RITA)
                .hasSize(Presence.MAX_REMOTE_USERS);
    }
}
