package dev.starling.bench;

import dev.starling.protocol.auth.AuthException;
import dev.starling.protocol.auth.AuthRules;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.rooms.RoomVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link AuthRules#check} of a new member's join against the state of a room of 10,000 joined members
 * ({@link SyntheticRoom#standard}), in checks per second on one thread: in the public room, and in the room
 * after Alice made it invite-only and invited the joiner.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Thread)
public class AuthBenchmark {
    static final int MEMBERS = 10_000;
    private static final String NEWBIE = "@newbie:" + SyntheticRoom.SERVER;

    @Param({"V11", "V12"})
    public RoomVersion version;

    /** {@code public}: join a public room; {@code invite}: join an invite-only room with an invite. */
    @Param({"public", "invite"})
    public String joinRule;

    private Pdu join;
    private Map<StateKey, Pdu> state;

    @Setup
    public void setUp() {
        SyntheticRoom.Standard base = SyntheticRoom.standard(version, MEMBERS);
        SyntheticRoom room = base.room();
        List<Pdu> stateEvents = new ArrayList<>(base.state());
        Pdu rules = base.joinRules();
        Pdu invite = null;
        if ("invite".equals(joinRule)) {
            rules = room.add(SyntheticRoom.ALICE, EventTypes.JOIN_RULES, "", SyntheticRoom.joinRule("invite"),
                    List.of(base.aliceJoin(), base.powerLevels()), List.of(base.joins().get(MEMBERS - 1)));
            invite = room.add(SyntheticRoom.ALICE, EventTypes.MEMBER, NEWBIE, SyntheticRoom.member("invite"),
                    List.of(base.aliceJoin(), base.powerLevels(), rules), List.of(rules));
            stateEvents.add(rules);
            stateEvents.add(invite);
        } else if (!"public".equals(joinRule)) {
            throw new IllegalArgumentException("unknown join rule parameter " + joinRule);
        }
        List<Pdu> auth = new ArrayList<>(List.of(base.powerLevels(), rules));
        if (invite != null) {
            auth.add(invite);
        }
        join = room.add(NEWBIE, EventTypes.MEMBER, NEWBIE, SyntheticRoom.member("join"), auth,
                List.of(invite != null ? invite : base.joins().get(MEMBERS - 1)));
        state = SyntheticRoom.state(stateEvents);
        if (state.size() != MEMBERS + 4 + (invite != null ? 1 : 0)) {
            throw new IllegalStateException("the state holds " + state.size() + " entries");
        }

        // The benchmark measures an accepted join; without the invite the same join must be refused.
        AuthRules.check(join, state);
        if (invite != null) {
            var withoutInvite = new java.util.HashMap<>(state);
            withoutInvite.remove(invite.stateTuple());
            try {
                AuthRules.check(join, withoutInvite);
                throw new IllegalStateException("a join to an invite-only room without an invite was allowed");
            } catch (AuthException expected) {
                // as it must be
            }
        }
    }

    @Benchmark
    public Pdu checkJoin() {
        AuthRules.check(join, state);
        return join;
    }
}
