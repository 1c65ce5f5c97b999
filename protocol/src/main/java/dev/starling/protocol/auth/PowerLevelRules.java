package dev.starling.protocol.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Rule 9 (v12: 10), {@code m.room.power_levels} (spec: Room Versions 10, 11 and 12, "Authorisation rules"):
 * integer-only shapes, v12 creators absent from {@code users}, and no change beyond the sender's own level.
 * Only keys the spec names are compared, so a typo such as {@code event_default} changes nothing and is
 * not guarded; it has no effect on any level either.
 */
final class PowerLevelRules {
    private static final String[] TOP_LEVEL = {
        "users_default", "events_default", "state_default", "ban", "redact", "kick", "invite"};

    private PowerLevelRules() {}

    static void check(AuthContext ctx) {
        ObjectNode content = ctx.event.content();
        // 9.1 to 9.3
        String problem = PowerLevels.shapeProblem(content);
        if (problem != null) {
            throw new AuthException(AuthRule.POWER_LEVELS, problem);
        }
        // v12 10.4: creators have infinite power and may not be listed.
        if (ctx.event.roomVersion().privilegedCreators() && content.get("users") instanceof ObjectNode users) {
            for (Iterator<String> it = users.fieldNames(); it.hasNext(); ) {
                String user = it.next();
                if (Creators.isCreator(ctx.create, user)) {
                    throw new AuthException(AuthRule.POWER_LEVELS, "users must not list room creator " + user);
                }
            }
        }
        // 9.4
        if (ctx.powerLevelsEvent == null) {
            return;
        }
        ObjectNode current = ctx.powerLevelsEvent.content();
        long sender = ctx.senderLevel();
        // 9.5
        for (String key : TOP_LEVEL) {
            Long before = Levels.asLevel(current.get(key));
            Long after = Levels.asLevel(content.get(key));
            if (changed(before, after)) {
                requireAtMost(before, sender, key, "current");
                requireAtMost(after, sender, key, "new");
            }
        }
        // 9.6, 9.7
        for (String map : new String[] {"events", "notifications"}) {
            compareEntries(current.get(map), content.get(map), (name, before, after) -> {
                requireAtMost(before, sender, map + "." + name, "current");
                requireAtMost(after, sender, map + "." + name, "new");
            });
        }
        // 9.8, 9.9
        String self = ctx.event.sender().value();
        compareEntries(current.get("users"), content.get("users"), (user, before, after) -> {
            if (before != null && !user.equals(self) && before >= sender) {
                throw new AuthException(AuthRule.POWER_LEVELS, "cannot change users." + user + ": its level "
                        + before + " is not below the sender's " + Levels.describe(sender));
            }
            requireAtMost(after, sender, "users." + user, "new");
        });
    }

    private static boolean changed(Long before, Long after) {
        return before == null ? after != null : !before.equals(after);
    }

    private static void requireAtMost(Long value, long sender, String what, String which) {
        if (value != null && value > sender) {
            throw new AuthException(AuthRule.POWER_LEVELS, "the " + which + " value " + value + " of " + what
                    + " is above the sender's level " + Levels.describe(sender));
        }
    }

    private interface Change {
        void apply(String key, Long before, Long after);
    }

    /**
     * Calls {@code change} for every entry added, changed or removed between two maps of levels, walking each
     * map once and copying neither (a {@code users} map can hold thousands of entries).
     */
    private static void compareEntries(JsonNode before, JsonNode after, Change change) {
        ObjectNode old = before instanceof ObjectNode o ? o : null;
        ObjectNode now = after instanceof ObjectNode n ? n : null;
        if (old != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = old.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                Long was = Levels.asLevel(entry.getValue());
                Long is = now == null ? null : Levels.asLevel(now.get(entry.getKey()));
                if (changed(was, is)) {
                    change.apply(entry.getKey(), was, is);
                }
            }
        }
        if (now != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = now.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (old == null || !old.has(entry.getKey())) {
                    change.apply(entry.getKey(), null, Levels.asLevel(entry.getValue()));
                }
            }
        }
    }
}
