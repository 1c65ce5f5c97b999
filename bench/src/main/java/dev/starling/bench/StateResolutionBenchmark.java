package dev.starling.bench;

import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.rooms.RoomVersion;
import dev.starling.protocol.stateres.EventProvider;
import dev.starling.protocol.stateres.StateResolver;
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
 * {@link StateResolver#resolve} of a synthetic room of 10,000 joined members forked in two (time per
 * resolution, one thread): in fork A, Alice raises one member's power ({@code PL2}) and bans 500 members; in
 * fork B, the same 500 members change their display names. That is 1,000 conflicted membership events plus
 * the conflicted power levels (1,002 conflicted state events); 9,504 entries are unconflicted. Every ban must
 * beat the rename of the same member and {@code PL2} must win, so the resolved state is fork A's; the
 * {@code @Setup} checks that once and throws otherwise. Auth chains are walked through the events
 * ({@link EventProvider} over an in-memory map; no auth-chain index).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Thread)
public class StateResolutionBenchmark {
    static final int MEMBERS = 10_000;
    static final int CONFLICTED_MEMBERS = 500;

    @Param({"V11", "V12"})
    public RoomVersion version;

    private List<Map<StateKey, EventId>> stateSets;
    private EventProvider events;

    @Setup
    public void setUp() {
        SyntheticRoom.Standard base = SyntheticRoom.standard(version, MEMBERS);
        SyntheticRoom room = base.room();
        List<Pdu> forkA = new ArrayList<>(base.state());
        List<Pdu> forkB = new ArrayList<>(base.state());
        Pdu powerLevels2 = room.add(SyntheticRoom.ALICE, EventTypes.POWER_LEVELS, "",
                room.powerLevels(SyntheticRoom.user(MEMBERS - 1), 50),
                List.of(base.aliceJoin(), base.powerLevels()), List.of(base.joinRules()));
        forkA.add(powerLevels2);
        List<Pdu> bans = new ArrayList<>();
        for (int i = 0; i < CONFLICTED_MEMBERS; i++) {
            Pdu joined = base.joins().get(i);
            Pdu ban = room.add(SyntheticRoom.ALICE, EventTypes.MEMBER, SyntheticRoom.user(i),
                    SyntheticRoom.member("ban"), List.of(base.aliceJoin(), powerLevels2, joined), List.of(powerLevels2));
            Pdu rename = room.add(SyntheticRoom.user(i), EventTypes.MEMBER, SyntheticRoom.user(i),
                    SyntheticRoom.member("join", "renamed " + i), List.of(base.powerLevels(), base.joinRules(), joined),
                    List.of(base.joinRules()));
            forkA.add(ban);
            forkB.add(rename);
            bans.add(ban);
        }
        // Later entries replace earlier ones with the same (type, state_key).
        Map<StateKey, EventId> a = SyntheticRoom.stateIds(forkA);
        Map<StateKey, EventId> b = SyntheticRoom.stateIds(forkB);
        stateSets = List.of(a, b);
        events = room.provider();

        long conflicted = a.entrySet().stream().filter(e -> !e.getValue().equals(b.get(e.getKey()))).count();
        Map<StateKey, EventId> resolved = resolve();
        if (conflicted != CONFLICTED_MEMBERS + 1 || a.size() != MEMBERS + 4 || !resolved.equals(a)
                || !resolved.get(new StateKey(EventTypes.POWER_LEVELS, "")).equals(powerLevels2.eventId())
                || !resolved.get(new StateKey(EventTypes.MEMBER, SyntheticRoom.user(0))).equals(bans.get(0).eventId())) {
            throw new IllegalStateException("state resolution of room version " + version.id()
                    + " did not give fork A's state (" + conflicted + " conflicted keys)");
        }
        System.out.println("state resolution, room version " + version.id() + ": " + room.size() + " events, "
                + a.size() + " state entries, " + conflicted + " conflicted keys, "
                + (2 * CONFLICTED_MEMBERS + 2) + " conflicted events; result checked");
    }

    @Benchmark
    public Map<StateKey, EventId> resolve() {
        return StateResolver.resolve(version, stateSets, events);
    }
}
