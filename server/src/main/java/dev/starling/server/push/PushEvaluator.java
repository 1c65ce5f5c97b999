package dev.starling.server.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.server.rooms.RoomEvents.PushContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Applies a user's push rules to one event (Client-Server API § Push rules): the first enabled rule, in kind
 * order, whose conditions all hold decides the actions. Conditions: {@code event_match} (glob, whole value; on
 * {@code content.body} any run of whole words), {@code event_property_is}, {@code event_property_contains},
 * {@code contains_display_name}, {@code room_member_count}, {@code sender_notification_permission}; an unknown
 * condition never matches. Globs are linear-time ({@link Glob}); a pattern longer than
 * {@link #MAX_PATTERN_LENGTH} never matches, so a match costs at most that many steps per character of the
 * value (SECURITY.md item 20). Stateless and thread-safe.
 */
public final class PushEvaluator {
    /** Patterns (and display names) longer than this, in characters, match nothing. */
    static final int MAX_PATTERN_LENGTH = 512;

    private PushEvaluator() {}

    /** The rule that decides the event's actions for {@code user}, if any. */
    public static Optional<PushRule> firstMatch(List<PushRule> rules, JsonNode event, UserId user,
            PushContext room) {
        boolean hasMentions = event.path("content").has("m.mentions");
        for (PushRule rule : rules) {
            if (!rule.enabled() || (hasMentions && DefaultRules.LEGACY_MENTIONS.contains(rule.ruleId()))) {
                continue;
            }
            if (matches(rule, event, user, room)) {
                return Optional.of(rule);
            }
        }
        return Optional.empty();
    }

    static boolean matches(PushRule rule, JsonNode event, UserId user, PushContext room) {
        return switch (rule.kind()) {
            case CONTENT -> rule.pattern().map(p -> wordsMatch(Glob::kept, p, event.path("content").path("body")))
                    .orElse(false);
            case ROOM -> event.path("room_id").asText("").equals(rule.ruleId());
            case SENDER -> event.path("sender").asText("").equals(rule.ruleId());
            case OVERRIDE, UNDERRIDE -> {
                for (JsonNode condition : rule.conditions().orElseThrow()) {
                    if (!condition(condition, event, user, room)) {
                        yield false;
                    }
                }
                yield true;
            }
        };
    }

    static boolean condition(JsonNode condition, JsonNode event, UserId user, PushContext room) {
        String key = condition.path("key").asText("");
        return switch (condition.path("kind").asText("")) {
            case "event_match" -> {
                JsonNode value = property(event, key);
                JsonNode pattern = condition.path("pattern");
                if (!pattern.isTextual() || !value.isTextual() || pattern.asText().length() > MAX_PATTERN_LENGTH) {
                    yield false;
                }
                yield key.equals("content.body") ? wordsMatch(Glob::kept, pattern.asText(), value)
                        : Glob.kept(pattern.asText()).matches(value.asText());
            }
            case "event_property_is" -> same(property(event, key), condition.path("value"));
            case "event_property_contains" -> {
                JsonNode array = property(event, key);
                JsonNode wanted = condition.path("value");
                boolean found = false;
                if (array.isArray() && scalar(wanted)) {
                    for (JsonNode item : array) {
                        found |= same(item, wanted);
                    }
                }
                yield found;
            }
            case "contains_display_name" -> room.displayName()
                    .map(name -> wordsMatch(Glob::keptLiteral, name, event.path("content").path("body"))).orElse(false);
            case "room_member_count" -> memberCount(condition.path("is").asText(""), room.joinedMembers());
            case "sender_notification_permission" -> {
                try {
                    UserId sender = UserId.parse(event.path("sender").asText(""));
                    yield !key.isEmpty() && room.level(sender) >= room.notificationLevel(key);
                } catch (InvalidIdentifierException e) {
                    yield false;
                }
            }
            default -> false;
        };
    }

    private static boolean wordsMatch(java.util.function.Function<String, Glob> compile, String pattern,
            JsonNode body) {
        return body.isTextual() && !pattern.isEmpty() && pattern.length() <= MAX_PATTERN_LENGTH
                && compile.apply(pattern).matchesWords(body.asText());
    }

    /** Exact equality of two scalars; integers compare by value whatever their node class. */
    static boolean same(JsonNode a, JsonNode b) {
        if (!scalar(a) || !scalar(b)) {
            return false;
        }
        if (a.isIntegralNumber() && b.isIntegralNumber()) {
            return a.asLong() == b.asLong();
        }
        return a.equals(b);
    }

    /** A string, an integer within ±(2^53−1), a boolean or null: the values these conditions compare. */
    static boolean scalar(JsonNode node) {
        return node.isTextual() || node.isBoolean() || node.isNull()
                || (node.isIntegralNumber() && node.canConvertToLong()
                        && Math.abs(node.asLong()) <= CanonicalJson.MAX_SAFE_INTEGER);
    }

    /** {@code is}: a decimal integer optionally prefixed by ==, <, >, >= or <=. */
    static boolean memberCount(String is, long count) {
        String op = "==";
        for (String prefix : new String[] {"==", "<=", ">=", "<", ">"}) {
            if (is.startsWith(prefix)) {
                op = prefix;
                is = is.substring(prefix.length());
                break;
            }
        }
        if (is.isEmpty() || is.length() > 18 || !is.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            return false;
        }
        long n = Long.parseLong(is);
        return switch (op) {
            case "<" -> count < n;
            case ">" -> count > n;
            case "<=" -> count <= n;
            case ">=" -> count >= n;
            default -> count == n;
        };
    }

    /**
     * The value at a dot-separated path (Appendices § Dot-separated property paths: {@code \.} is a literal dot,
     * {@code \\} a literal backslash); a missing node when absent.
     */
    static JsonNode property(JsonNode event, String path) {
        return property(event, split(path).toArray(String[]::new));
    }

    /** As {@link #property(JsonNode, String)}, with the path already split. */
    static JsonNode property(JsonNode event, String[] path) {
        JsonNode node = event;
        for (String part : path) {
            if (!(node instanceof ObjectNode)) {
                return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
            }
            node = node.path(part);
        }
        return node;
    }

    static List<String> split(String path) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < path.length(); i++) {
            char ch = path.charAt(i);
            if (ch == '\\' && i + 1 < path.length() && (path.charAt(i + 1) == '.' || path.charAt(i + 1) == '\\')) {
                current.append(path.charAt(++i));
            } else if (ch == '.') {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(ch);
            }
        }
        parts.add(current.toString());
        return parts;
    }
}
