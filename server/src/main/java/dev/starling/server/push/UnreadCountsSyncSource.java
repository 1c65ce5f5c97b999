package dev.starling.server.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.receipts.ReadMarks;
import dev.starling.server.rooms.RoomEvents;
import dev.starling.server.storage.Database;
import dev.starling.server.sync.SyncRequest;
import dev.starling.server.sync.SyncResponse;
import dev.starling.server.sync.SyncSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code unread_notifications} ({@code notification_count}, {@code highlight_count}) in every joined room of a
 * /sync answer (Client-Server API § Receiving notifications). Must run after the sources that fill
 * {@code rooms.join}. Counts are computed when asked rather than stored per event: the user's push rules are
 * applied to the room's events after the user's read-up-to mark (their {@code m.read} or
 * {@code m.read.private} receipt, whichever is ahead; without one, their join), up to the sync's position,
 * newest first and at most {@link #MAX_EVALUATED} of them, stopping at the user's own latest event (sending one
 * marks everything before it read, as a receipt would). So the counts saturate at that
 * many, and a room costs one bounded read. A count is derived data: it never makes a waiting sync return.
 */
public final class UnreadCountsSyncSource implements SyncSource {
    /** The most events evaluated per room and sync. */
    public static final int MAX_EVALUATED = 100;
    /** The events read first; the rest of {@link #MAX_EVALUATED} only when none of them is the user's own. */
    private static final int FIRST_PAGE = 8;

    private final Database db;
    private final RoomEvents rooms;
    private final PushRules rules;
    private final KeptCounts kept = new KeptCounts();
    private final ReadMarks readMarks;
    private final java.util.concurrent.ConcurrentHashMap<UserId, CompiledRules> compiledRules =
            new java.util.concurrent.ConcurrentHashMap<>();

    public UnreadCountsSyncSource(Database db, RoomEvents rooms, PushRules rules) {
        this.db = db;
        this.rooms = rooms;
        this.rules = rules;
        this.readMarks = new ReadMarks(db);
    }

    @Override
    public boolean write(SyncRequest request, SyncResponse response) {
        JsonNode join = response.body().path("rooms").path("join");
        if (!join.isObject() || join.isEmpty()) {
            return false;
        }
        UserId user = request.user();
        // Read only when a room has an unread event by someone else (often none: the user just sent one).
        java.util.function.Supplier<List<PushRule>> ruleset = memoized(() -> rules.ruleset(user));
        java.util.Set<RoomId> joined = new java.util.HashSet<>(request.joinedRooms());
        List<String> ids = new ArrayList<>();
        join.fieldNames().forEachRemaining(ids::add);
        for (String id : ids) {
            RoomId roomId = RoomId.parse(id);
            if (!joined.contains(roomId)) {
                continue;
            }
            long[] counts = counts(user, roomId, ruleset, request.upTo().position());
            ObjectNode unread = response.joinedRoom(roomId).putObject("unread_notifications");
            unread.put("notification_count", counts[0]);
            unread.put("highlight_count", counts[1]);
        }
        return false;
    }

    /** {notifications, highlights} for the user's unread events of the room up to {@code upTo}. */
    long[] counts(UserId user, RoomId roomId, List<PushRule> ruleset, long upTo) {
        return counts(user, roomId, () -> ruleset, upTo);
    }

    private long[] counts(UserId user, RoomId roomId, java.util.function.Supplier<List<PushRule>> ruleset,
            long upTo) {
        long read = readMarks.readUpTo(user, roomId, upTo);
        long from = Math.max(read, rooms.membershipPosition(user, roomId, upTo).orElse(0L));
        java.util.function.Supplier<RoomEvents.PushContext> context = memoized(() -> rooms.pushContext(roomId, user, upTo));
        KeptCounts.Entry previous = kept.get(user, roomId, from, upTo);
        if (previous != null) {
            long[] counted = extend(user, roomId, previous, ruleset, context, from, upTo);
            if (counted != null) {
                return counted;
            }
        }
        long notifications = 0;
        long highlights = 0;
        // Newest first, a short page then the rest: the walk usually stops early, at the user's own event.
        long below = upTo;
        int evaluated = 0;
        walk:
        for (int page : new int[] {FIRST_PAGE, MAX_EVALUATED - FIRST_PAGE}) {
            List<RoomEvents.PositionedEvent> events = rooms.newestEvents(roomId, from, below, page);
            for (RoomEvents.PositionedEvent event : events) {
                if (event.event().path("sender").asText().equals(user.value())) {
                    // "When the user updates their read receipt (either by using the API or by sending an event),
                    // notifications prior to and including that event MUST be marked as read" (§ Push notifications).
                    break walk;
                }
                evaluated++;
                Optional<PushRule> rule = compiled(user, ruleset.get()).firstMatch(event.event(), user, context.get());
                if (rule.isPresent() && rule.get().notifies()) {
                    notifications++;
                    if (rule.get().highlights()) {
                        highlights++;
                    }
                }
                below = event.position() - 1;
            }
            if (events.size() < page || evaluated >= MAX_EVALUATED) {
                break;
            }
        }
        keep(user, roomId, from, upTo, evaluated, notifications, highlights, ruleset, context);
        return new long[] {notifications, highlights};
    }

    /**
     * The counts up to {@code upTo} from the kept walk up to {@code previous.upTo()}: the newer events are
     * evaluated and the kept counts added (see {@link KeptCounts}); {@code null} when that would not give exactly
     * what a walk from scratch gives (too many events, a redaction, other rules or another room state).
     */
    private long[] extend(UserId user, RoomId roomId, KeptCounts.Entry previous,
            java.util.function.Supplier<List<PushRule>> ruleset,
            java.util.function.Supplier<RoomEvents.PushContext> context, long from, long upTo) {
        List<RoomEvents.PositionedEvent> events = previous.upTo() == upTo ? List.of()
                : rooms.newestEvents(roomId, previous.upTo(), upTo, MAX_EVALUATED);
        if (events.size() >= MAX_EVALUATED) {
            return null;
        }
        for (RoomEvents.PositionedEvent event : events) {
            if (event.event().path("type").asText().equals("m.room.redaction")) {
                return null; // kept for safety: counts read events unredacted today, but a redaction may change one
            }
        }
        long notifications = 0;
        long highlights = 0;
        int evaluated = 0;
        boolean reachedOwn = false;
        for (RoomEvents.PositionedEvent event : events) {
            if (event.event().path("sender").asText().equals(user.value())) {
                reachedOwn = true;
                break;
            }
            evaluated++;
            Optional<PushRule> rule = compiled(user, ruleset.get()).firstMatch(event.event(), user, context.get());
            if (rule.isPresent() && rule.get().notifies()) {
                notifications++;
                if (rule.get().highlights()) {
                    highlights++;
                }
            }
        }
        if (!reachedOwn) {
            if (evaluated + previous.evaluated() > MAX_EVALUATED) {
                return null;
            }
            if (previous.evaluatedAny()
                    && (previous.ruleset() != ruleset.get() || previous.context() != context.get())) {
                return null;
            }
            evaluated += previous.evaluated();
            notifications += previous.notifications();
            highlights += previous.highlights();
        }
        keep(user, roomId, from, upTo, evaluated, notifications, highlights, ruleset, context);
        return new long[] {notifications, highlights};
    }

    private void keep(UserId user, RoomId roomId, long from, long upTo, int evaluated, long notifications,
            long highlights, java.util.function.Supplier<List<PushRule>> ruleset,
            java.util.function.Supplier<RoomEvents.PushContext> context) {
        // Something evaluated means both were read; nothing evaluated depends on neither.
        kept.put(user, roomId, new KeptCounts.Entry(from, upTo, evaluated > 0 ? ruleset.get() : null,
                evaluated > 0 ? context.get() : null, evaluated, notifications, highlights));
    }

    /** The user's ruleset prepared for evaluation, kept while {@link PushRules} hands out the same list. */
    private CompiledRules compiled(UserId user, List<PushRule> ruleset) {
        CompiledRules compiled = compiledRules.get(user);
        if (compiled == null || compiled.source() != ruleset) {
            compiled = CompiledRules.of(ruleset);
            if (compiledRules.size() >= KeptCounts.MAX_KEPT) {
                compiledRules.clear();
            }
            compiledRules.put(user, compiled);
        }
        return compiled;
    }

    private static <T> java.util.function.Supplier<T> memoized(java.util.function.Supplier<T> supplier) {
        return new java.util.function.Supplier<>() {
            private T value;

            @Override
            public T get() {
                if (value == null) {
                    value = supplier.get();
                }
                return value;
            }
        };
    }
}
