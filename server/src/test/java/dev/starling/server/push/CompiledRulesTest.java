package dev.starling.server.push;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.starling.protocol.id.UserId;
import dev.starling.server.rooms.RoomEvents.PushContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link CompiledRules} (a ruleset prepared once) decides exactly as {@link PushEvaluator#firstMatch} on the
 * same list: the default rules and user rules with every condition kind, odd keys and patterns, against a table
 * of events in rooms of several sizes.
 */
class CompiledRulesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final UserId ALICE = UserId.parse("@alice:example.org");

    private static PushRule custom(PushRule.Kind kind, String id, boolean enabled, String conditions, String pattern)
            throws Exception {
        ArrayNode actions = JsonNodeFactory.instance.arrayNode().add("notify");
        return new PushRule(kind, id, false, enabled, actions,
                conditions == null ? Optional.empty() : Optional.of((ArrayNode) JSON.readTree(conditions)),
                Optional.ofNullable(pattern));
    }

    private static List<PushRule> rulesets(List<PushRule> extra) {
        List<PushRule> rules = new ArrayList<>(extra);
        rules.addAll(DefaultRules.forUser(ALICE));
        return List.copyOf(rules);
    }

    @Test
    void decidesAsTheEvaluatorOnEveryEvent() throws Exception {
        List<List<PushRule>> rulesets = List.of(DefaultRules.forUser(ALICE), rulesets(List.of(
                custom(PushRule.Kind.OVERRIDE, "dots", true,
                        "[{\"kind\":\"event_match\",\"key\":\"content.a\\\\.b\",\"pattern\":\"x*\"}]", null),
                custom(PushRule.Kind.OVERRIDE, "is", true,
                        "[{\"kind\":\"event_property_is\",\"key\":\"content.n\",\"value\":3}]", null),
                custom(PushRule.Kind.OVERRIDE, "contains", true,
                        "[{\"kind\":\"event_property_contains\",\"key\":\"content.tags\",\"value\":\"red\"}]", null),
                custom(PushRule.Kind.OVERRIDE, "contains-object", true,
                        "[{\"kind\":\"event_property_contains\",\"key\":\"content.tags\",\"value\":{}}]", null),
                custom(PushRule.Kind.OVERRIDE, "disabled", false, "[]", null),
                custom(PushRule.Kind.OVERRIDE, "count", true,
                        "[{\"kind\":\"room_member_count\",\"is\":\">=7\"},{\"kind\":\"event_match\","
                                + "\"key\":\"content.body\",\"pattern\":\"big?room\"}]", null),
                custom(PushRule.Kind.OVERRIDE, "bad-count", true, "[{\"kind\":\"room_member_count\",\"is\":\"=x\"}]",
                        null),
                custom(PushRule.Kind.OVERRIDE, "unknown", true, "[{\"kind\":\"org.example\"}]", null),
                custom(PushRule.Kind.OVERRIDE, "non-text-pattern", true,
                        "[{\"kind\":\"event_match\",\"key\":\"type\",\"pattern\":5}]", null),
                custom(PushRule.Kind.OVERRIDE, "long-pattern", true,
                        "[{\"kind\":\"event_match\",\"key\":\"type\",\"pattern\":\"" + "a".repeat(600) + "\"}]",
                        null),
                custom(PushRule.Kind.OVERRIDE, "empty-body-pattern", true,
                        "[{\"kind\":\"event_match\",\"key\":\"content.body\",\"pattern\":\"\"}]", null),
                custom(PushRule.Kind.CONTENT, "word", true, null, "banana*"),
                custom(PushRule.Kind.CONTENT, "empty", true, null, ""),
                custom(PushRule.Kind.CONTENT, "none", true, null, null),
                custom(PushRule.Kind.ROOM, "!quiet:example.org", true, null, null),
                custom(PushRule.Kind.SENDER, "@loud:example.org", true, null, null))));
        List<String> events = List.of(
                "{\"type\":\"m.room.message\",\"sender\":\"@pleb:example.org\",\"content\":{\"msgtype\":\"m.text\",\"body\":\"hi\"}}",
                "{\"type\":\"m.room.message\",\"sender\":\"@pleb:example.org\",\"content\":{\"body\":\"hey alice\"}}",
                "{\"type\":\"m.room.message\",\"sender\":\"@pleb:example.org\",\"content\":{\"body\":\"thanks ally\"}}",
                "{\"type\":\"m.room.message\",\"sender\":\"@mod:example.org\",\"content\":{\"body\":\"@room x\"}}",
                "{\"type\":\"m.room.message\",\"sender\":\"@mod:example.org\",\"content\":{\"body\":\"x\",\"m.mentions\":{\"room\":true}}}",
                "{\"type\":\"m.room.message\",\"sender\":\"@pleb:example.org\",\"content\":{\"body\":\"ally\",\"m.mentions\":{}}}",
                "{\"type\":\"m.room.message\",\"sender\":\"@pleb:example.org\",\"content\":{\"body\":\"x\",\"m.mentions\":{\"user_ids\":[\"@alice:example.org\"]}}}",
                "{\"type\":\"m.room.message\",\"sender\":\"@pleb:example.org\",\"content\":{\"msgtype\":\"m.notice\",\"body\":\"bot\"}}",
                "{\"type\":\"m.room.message\",\"sender\":\"@pleb:example.org\",\"content\":{\"a.b\":\"xyz\"}}",
                "{\"type\":\"m.room.message\",\"sender\":\"@pleb:example.org\",\"content\":{\"a\":{\"b\":\"xyz\"}}}",
                "{\"type\":\"m.room.message\",\"sender\":\"@pleb:example.org\",\"content\":{\"n\":3}}",
                "{\"type\":\"m.room.message\",\"sender\":\"@pleb:example.org\",\"content\":{\"n\":3.0}}",
                "{\"type\":\"m.room.message\",\"sender\":\"@pleb:example.org\",\"content\":{\"tags\":[\"blue\",\"red\"]}}",
                "{\"type\":\"m.room.message\",\"sender\":\"@pleb:example.org\",\"content\":{\"tags\":\"red\"}}",
                "{\"type\":\"m.room.message\",\"sender\":\"@pleb:example.org\",\"content\":{\"body\":\"a big-room here\"}}",
                "{\"type\":\"m.room.message\",\"sender\":\"@pleb:example.org\",\"content\":{\"body\":\"BANANAS please\"}}",
                "{\"type\":\"m.room.message\",\"sender\":\"@pleb:example.org\",\"content\":{\"body\":7}}",
                "{\"type\":\"m.room.message\",\"sender\":\"@loud:example.org\",\"content\":{\"body\":\"x\"}}",
                "{\"type\":\"m.room.message\",\"room_id\":\"!quiet:example.org\",\"sender\":\"@pleb:example.org\",\"content\":{\"body\":\"x\"}}",
                "{\"type\":\"m.room.encrypted\",\"sender\":\"@pleb:example.org\",\"content\":{\"algorithm\":\"m.megolm.v1.aes-sha2\"}}",
                "{\"type\":\"m.room.member\",\"state_key\":\"@alice:example.org\",\"sender\":\"@pleb:example.org\",\"content\":{\"membership\":\"invite\"}}",
                "{\"type\":\"m.room.member\",\"state_key\":\"@pleb:example.org\",\"sender\":\"@pleb:example.org\",\"content\":{\"membership\":\"join\"}}",
                "{\"type\":\"m.room.tombstone\",\"state_key\":\"\",\"sender\":\"@mod:example.org\",\"content\":{\"body\":\"moved\"}}",
                "{\"type\":\"m.reaction\",\"sender\":\"@pleb:example.org\",\"content\":{\"m.relates_to\":{\"rel_type\":\"m.annotation\"}}}",
                "{\"type\":\"m.room.message\",\"sender\":\"@pleb:example.org\",\"content\":{\"body\":\"x\",\"m.relates_to\":{\"rel_type\":\"m.replace\"}}}",
                "{\"type\":\"m.call.invite\",\"sender\":\"not a user id\",\"content\":{\"call_id\":\"1\"}}",
                "{\"type\":\"org.example\",\"state_key\":\"\",\"sender\":\"@pleb:example.org\",\"content\":[]}");
        int compared = 0;
        for (List<PushRule> rules : rulesets) {
            CompiledRules compiled = CompiledRules.of(rules);
            for (long members : new long[] {1, 2, 5, 7, 9}) {
                PushContext room = PushEvaluatorTest.room(members);
                for (String json : events) {
                    JsonNode event = JSON.readTree(json);
                    if (!event.has("room_id")) {
                        ((com.fasterxml.jackson.databind.node.ObjectNode) event).put("room_id", "!room:example.org");
                    }
                    assertThat(compiled.firstMatch(event, ALICE, room).map(PushRule::ruleId))
                            .as(json + " in a room of " + members)
                            .isEqualTo(PushEvaluator.firstMatch(rules, event, ALICE, room).map(PushRule::ruleId));
                    compared++;
                }
            }
        }
        assertThat(compared).isEqualTo(2 * 5 * events.size());
    }
}
