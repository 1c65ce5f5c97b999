package dev.starling.protocol.stateres;

import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.id.EventId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Step 3 of the algorithm (spec: room version 2 state resolution, "Mainline ordering"): orders events by how
 * early in the mainline of the resolved power-levels event their own power-levels ancestry meets it.
 *
 * <p>Mainline positions count from the resolved event ({@code P_0} has position 0). An event sorts first when
 * its position is greater (based on an older power-levels event), and an event whose power-levels ancestry never
 * meets the mainline has position ∞ and sorts before all others. Ties go to {@code origin_server_ts}, then event ID.
 */
final class MainlineOrdering {
    /** The position of events whose ancestry never meets the mainline: greater than any real position. */
    private static final long INFINITY = Long.MAX_VALUE;

    private final Events events;
    private final Map<EventId, Long> mainline = new HashMap<>();
    /** Position found for each power-levels event already walked, so shared ancestry is walked once. */
    private final Map<EventId, Long> memo = new HashMap<>();

    private MainlineOrdering(Events events, EventId resolvedPowerLevels) {
        this.events = events;
        Set<EventId> seen = new HashSet<>();
        long position = 0;
        EventId current = resolvedPowerLevels;
        while (current != null && seen.add(current)) {
            mainline.put(current, position++);
            Pdu parent = events.powerLevelsAuthEvent(events.get(current));
            current = parent == null ? null : parent.eventId();
        }
    }

    private record Entry(EventId id, long position, long originServerTs) {}

    private static final Comparator<Entry> ORDER = Comparator.comparingLong(Entry::position).reversed()
            .thenComparingLong(Entry::originServerTs)
            .thenComparing(entry -> entry.id().value());

    /**
     * Sorts the events by the mainline of {@code resolvedPowerLevels}, which may be {@code null} when the
     * partially resolved state has no power levels (then every position is ∞).
     */
    static List<EventId> sort(Collection<EventId> eventIds, EventId resolvedPowerLevels, Events events) {
        MainlineOrdering ordering = new MainlineOrdering(events, resolvedPowerLevels);
        List<Entry> entries = new ArrayList<>(eventIds.size());
        for (EventId id : eventIds) {
            Pdu event = events.get(id);
            entries.add(new Entry(id, ordering.position(event), event.originServerTs()));
        }
        entries.sort(ORDER);
        return entries.stream().map(Entry::id).toList();
    }

    /**
     * The mainline position of an event: the smallest {@code j ≥ 1} with {@code e_j} in the mainline, where
     * {@code e_{j+1}} is the power-levels auth event of {@code e_j}. The event itself ({@code e_0}) is not
     * looked up in the mainline.
     */
    private long position(Pdu event) {
        List<EventId> walked = new ArrayList<>();
        Set<EventId> seen = new HashSet<>();
        Pdu current = events.powerLevelsAuthEvent(event);
        long position = INFINITY;
        while (current != null && seen.add(current.eventId())) {
            Long known = mainline.get(current.eventId());
            if (known == null) {
                known = memo.get(current.eventId());
            }
            if (known != null) {
                position = known;
                break;
            }
            walked.add(current.eventId());
            current = events.powerLevelsAuthEvent(current);
        }
        for (EventId id : walked) {
            memo.put(id, position);
        }
        return position;
    }
}
