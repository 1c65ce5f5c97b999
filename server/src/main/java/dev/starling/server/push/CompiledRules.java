package dev.starling.server.push;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.protocol.id.UserId;
import dev.starling.server.rooms.RoomEvents.PushContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A ruleset prepared once for {@link PushEvaluator#firstMatch}: property paths split, globs compiled,
 * {@code room_member_count} parsed, actions' notify and highlight read — so that evaluating an event does no
 * string work but the matching itself. Gives exactly what {@link PushEvaluator#firstMatch} gives on the
 * {@link #source} list (a condition it does not prepare is evaluated by {@link PushEvaluator#condition}).
 * Immutable and thread-safe.
 */
final class CompiledRules {
    private interface Test {
        boolean test(JsonNode event, UserId user, PushContext room);
    }

    private record Rule(PushRule rule, boolean legacy, Test test) {}

    private static final Test NEVER = (event, user, room) -> false;

    private final List<PushRule> source;
    private final Rule[] rules;

    private CompiledRules(List<PushRule> source) {
        this.source = source;
        List<Rule> compiled = new ArrayList<>();
        for (PushRule rule : source) {
            if (rule.enabled()) {
                compiled.add(new Rule(rule, DefaultRules.LEGACY_MENTIONS.contains(rule.ruleId()), compile(rule)));
            }
        }
        this.rules = compiled.toArray(Rule[]::new);
    }

    static CompiledRules of(List<PushRule> source) {
        return new CompiledRules(source);
    }

    /** The list this was prepared from (compared by identity by callers that keep one per ruleset). */
    List<PushRule> source() {
        return source;
    }

    /** As {@link PushEvaluator#firstMatch} on {@link #source}. */
    Optional<PushRule> firstMatch(JsonNode event, UserId user, PushContext room) {
        boolean hasMentions = event.path("content").has("m.mentions");
        for (Rule rule : rules) {
            if (hasMentions && rule.legacy()) {
                continue;
            }
            if (rule.test().test(event, user, room)) {
                return Optional.of(rule.rule());
            }
        }
        return Optional.empty();
    }

    private static Test compile(PushRule rule) {
        return switch (rule.kind()) {
            case CONTENT -> rule.pattern().map(CompiledRules::bodyWords).orElse(NEVER);
            case ROOM -> (event, user, room) -> event.path("room_id").asText("").equals(rule.ruleId());
            case SENDER -> (event, user, room) -> event.path("sender").asText("").equals(rule.ruleId());
            case OVERRIDE, UNDERRIDE -> {
                if (rule.conditions().isEmpty()) {
                    yield (event, user, room) -> PushEvaluator.matches(rule, event, user, room); // throws as it does
                }
                List<Test> all = new ArrayList<>();
                for (JsonNode condition : rule.conditions().get()) {
                    all.add(condition(condition));
                }
                Test[] tests = all.toArray(Test[]::new);
                yield (event, user, room) -> {
                    for (Test t : tests) {
                        if (!t.test(event, user, room)) {
                            return false;
                        }
                    }
                    return true;
                };
            }
        };
    }

    /** Whole words of {@code content.body} matching the pattern (PushEvaluator's {@code wordsMatch}). */
    private static Test bodyWords(String pattern) {
        if (pattern.isEmpty() || pattern.length() > PushEvaluator.MAX_PATTERN_LENGTH) {
            return NEVER;
        }
        Glob glob = Glob.of(pattern);
        return (event, user, room) -> {
            JsonNode body = event.path("content").path("body");
            return body.isTextual() && glob.matchesWords(body.asText());
        };
    }

    private static Test condition(JsonNode condition) {
        String key = condition.path("key").asText("");
        String[] path = PushEvaluator.split(key).toArray(String[]::new);
        return switch (condition.path("kind").asText("")) {
            case "event_match" -> {
                JsonNode pattern = condition.path("pattern");
                if (!pattern.isTextual() || pattern.asText().length() > PushEvaluator.MAX_PATTERN_LENGTH) {
                    yield NEVER;
                }
                if (key.equals("content.body")) {
                    Test words = bodyWords(pattern.asText());
                    yield (event, user, room) -> PushEvaluator.property(event, path).isTextual()
                            && words.test(event, user, room);
                }
                Glob glob = Glob.of(pattern.asText());
                yield (event, user, room) -> {
                    JsonNode value = PushEvaluator.property(event, path);
                    return value.isTextual() && glob.matches(value.asText());
                };
            }
            case "event_property_is" -> {
                JsonNode wanted = condition.path("value");
                yield (event, user, room) -> PushEvaluator.same(PushEvaluator.property(event, path), wanted);
            }
            case "event_property_contains" -> {
                JsonNode wanted = condition.path("value");
                if (!PushEvaluator.scalar(wanted)) {
                    yield NEVER;
                }
                yield (event, user, room) -> {
                    JsonNode array = PushEvaluator.property(event, path);
                    if (array.isArray()) {
                        for (JsonNode item : array) {
                            if (PushEvaluator.same(item, wanted)) {
                                return true;
                            }
                        }
                    }
                    return false;
                };
            }
            case "room_member_count" -> {
                String is = condition.path("is").asText("");
                yield (event, user, room) -> PushEvaluator.memberCount(is, room.joinedMembers());
            }
            case "contains_display_name", "sender_notification_permission" ->
                    (event, user, room) -> PushEvaluator.condition(condition, event, user, room);
            default -> NEVER;
        };
    }
}
