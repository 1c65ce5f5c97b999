package dev.starling.protocol.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.json.CanonicalJson;
import java.util.HashMap;
import java.util.Map;

/**
 * The content of {@code m.room.power_levels} with the spec's defaults applied (spec: "m.room.power_levels").
 *
 * <p>Missing keys of an existing event ({@link #fromContent}) and a room with no power-levels event at all
 * ({@link #withoutEvent}) get the same defaults.
 * Values that are not integers are ignored here (treated as missing); the auth rules refuse such events in
 * every supported room version, so only events that were never accepted can carry them.
 * Creators' levels (room creator before v12, unlimited power in v12) are applied by the auth rules, not here.
 */
public record PowerLevels(
        long ban,
        long invite,
        long kick,
        long redact,
        long stateDefault,
        long eventsDefault,
        long usersDefault,
        Map<String, Long> events,
        Map<String, Long> users,
        long notificationsRoom) {

    public static final long DEFAULT_BAN = 50;
    public static final long DEFAULT_KICK = 50;
    public static final long DEFAULT_REDACT = 50;
    public static final long DEFAULT_INVITE = 0;
    public static final long DEFAULT_STATE = 50;
    /**
     * The state default in a room with no power-levels event. The spec once said 0 here but has said 50
     * since matrix-spec#1479 (2023), matching what servers always did; kept as a name for callers.
     */
    public static final long DEFAULT_STATE_WITHOUT_EVENT = DEFAULT_STATE;
    public static final long DEFAULT_NOTIFICATIONS_ROOM = 50;

    public PowerLevels {
        events = Map.copyOf(events);
        users = Map.copyOf(users);
    }

    /** The levels in a room that has no power-levels event. */
    public static PowerLevels withoutEvent() {
        return new PowerLevels(DEFAULT_BAN, DEFAULT_INVITE, DEFAULT_KICK, DEFAULT_REDACT, DEFAULT_STATE,
                0, 0, Map.of(), Map.of(), DEFAULT_NOTIFICATIONS_ROOM);
    }

    /** Reads a power-levels content, applying the defaults for missing (or non-integer) keys. */
    public static PowerLevels fromContent(ObjectNode content) {
        Map<String, Long> events = new HashMap<>();
        if (content.get("events") instanceof ObjectNode object) {
            object.fields().forEachRemaining(e -> {
                if (isLevel(e.getValue())) {
                    events.put(e.getKey(), e.getValue().longValue());
                }
            });
        }
        Map<String, Long> users = new HashMap<>();
        if (content.get("users") instanceof ObjectNode object) {
            object.fields().forEachRemaining(e -> {
                if (isLevel(e.getValue())) {
                    users.put(e.getKey(), e.getValue().longValue());
                }
            });
        }
        JsonNode notifications = content.get("notifications");
        long room = notifications != null && isLevel(notifications.path("room"))
                ? notifications.get("room").longValue() : DEFAULT_NOTIFICATIONS_ROOM;
        return new PowerLevels(
                integer(content, "ban", DEFAULT_BAN),
                integer(content, "invite", DEFAULT_INVITE),
                integer(content, "kick", DEFAULT_KICK),
                integer(content, "redact", DEFAULT_REDACT),
                integer(content, "state_default", DEFAULT_STATE),
                integer(content, "events_default", 0),
                integer(content, "users_default", 0),
                events, users, room);
    }

    private static long integer(ObjectNode content, String key, long fallback) {
        JsonNode node = content.get(key);
        return node != null && isLevel(node) ? node.longValue() : fallback;
    }

    /** An integer in the canonical JSON range ±(2^53−1), the only values a power level can take. */
    static boolean isLevel(JsonNode node) {
        return node.isIntegralNumber() && node.canConvertToLong()
                && Math.abs(node.longValue()) <= CanonicalJson.MAX_SAFE_INTEGER;
    }

    /** The level of a user listed in {@code users}, else {@code users_default}. */
    public long userLevel(UserId user) {
        Long level = users.get(user.value());
        return level != null ? level : usersDefault;
    }

    /** True when {@code users} names this user explicitly. */
    public boolean listsUser(UserId user) {
        return users.containsKey(user.value());
    }

    /** The level needed to send an event of this type: {@code events[type]}, else the state or events default. */
    public long eventLevel(String type, boolean isState) {
        Long level = events.get(type);
        if (level != null) {
            return level;
        }
        return isState ? stateDefault : eventsDefault;
    }

    /**
     * Checks the shape rules the auth rules impose on a power-levels content in room versions 10 and later:
     * the level keys must be integers, {@code events} and {@code notifications} objects of integers, and
     * {@code users} an object of valid user IDs to integers.
     *
     * @return a description of the first problem found, or {@code null} when the content is well-formed
     */
    public static String shapeProblem(ObjectNode content) {
        for (String key : new String[] {"users_default", "events_default", "state_default", "ban", "redact", "kick", "invite"}) {
            JsonNode node = content.get(key);
            if (node != null && !isLevel(node)) {
                return key + " must be an integer in ±(2^53−1)";
            }
        }
        for (String key : new String[] {"events", "notifications"}) {
            JsonNode node = content.get(key);
            if (node != null) {
                if (!node.isObject()) {
                    return key + " must be an object";
                }
                for (JsonNode value : node) {
                    if (!isLevel(value)) {
                        return key + " values must be integers in ±(2^53−1)";
                    }
                }
            }
        }
        JsonNode users = content.get("users");
        if (users != null) {
            if (!users.isObject()) {
                return "users must be an object";
            }
            for (var it = users.fields(); it.hasNext(); ) {
                var entry = it.next();
                try {
                    UserId.parse(entry.getKey());
                } catch (InvalidIdentifierException e) {
                    return "users key is not a valid user ID: " + e.getMessage();
                }
                if (!isLevel(entry.getValue())) {
                    return "users values must be integers in ±(2^53−1)";
                }
            }
        }
        return null;
    }
}
