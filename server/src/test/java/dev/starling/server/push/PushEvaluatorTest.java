package dev.starling.server.push;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.auth.PowerLevels;
import dev.starling.protocol.id.UserId;
import dev.starling.server.rooms.RoomEvents.PushContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The default push rules applied to a table of events (Client-Server API § Predefined rules): which rule decides,
 * and whether it notifies and highlights. Alice (display name "Ally") is the reader; "@mod" has power 50, "@pleb"
 * 0; rooms have 2 or 5 joined members.
 */
class PushEvaluatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final UserId ALICE = UserId.parse("@alice:example.org");

    static PushContext room(long members) {
        PowerLevels levels = new PowerLevels(50, 0, 50, 50, 50, 0, 0, Map.of(),
                Map.of("@mod:example.org", 50L, "@creator:example.org", 100L), 50);
        return new PushContext(members, Optional.of("Ally"), levels, Set.of());
    }

    static JsonNode event(String sender, String type, String stateKey, String content) throws Exception {
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.put("type", type);
        event.put("sender", sender);
        event.put("room_id", "!room:example.org");
        event.put("event_id", "$e");
        if (!stateKey.equals("-")) {
            event.put("state_key", stateKey);
        }
        event.set("content", JSON.readTree(content));
        return event;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            message in a group                | @pleb | 5 | m.room.message   | - | {"msgtype":"m.text","body":"hi"}                         | .m.rule.message                  | true  | false
            message one to one                | @pleb | 2 | m.room.message   | - | {"msgtype":"m.text","body":"hi"}                         | .m.rule.room_one_to_one          | true  | false
            notice                            | @pleb | 5 | m.room.message   | - | {"msgtype":"m.notice","body":"bot"}                      | .m.rule.suppress_notices         | false | false
            encrypted in a group              | @pleb | 5 | m.room.encrypted | - | {"algorithm":"m.megolm.v1.aes-sha2"}                     | .m.rule.encrypted                | true  | false
            encrypted one to one              | @pleb | 2 | m.room.encrypted | - | {"algorithm":"m.megolm.v1.aes-sha2"}                     | .m.rule.encrypted_room_one_to_one | true | false
            user mention                      | @pleb | 5 | m.room.message   | - | {"body":"x","m.mentions":{"user_ids":["@alice:example.org"]}} | .m.rule.is_user_mention     | true  | true
            mention of someone else           | @pleb | 5 | m.room.message   | - | {"body":"alice","m.mentions":{"user_ids":["@bob:example.org"]}} | .m.rule.message           | true  | false
            localpart in body, no m.mentions  | @pleb | 5 | m.room.message   | - | {"body":"hey alice!"}                                    | .m.rule.contains_user_name       | true  | true
            display name in body              | @pleb | 5 | m.room.message   | - | {"body":"thanks ally"}                                   | .m.rule.contains_display_name    | true  | true
            display name inside a word        | @pleb | 5 | m.room.message   | - | {"body":"totally"}                                       | .m.rule.message                  | true  | false
            room mention by a moderator       | @mod  | 5 | m.room.message   | - | {"body":"x","m.mentions":{"room":true}}                  | .m.rule.is_room_mention          | true  | true
            room mention without power        | @pleb | 5 | m.room.message   | - | {"body":"x","m.mentions":{"room":true}}                  | .m.rule.message                  | true  | false
            legacy @room by a moderator       | @mod  | 5 | m.room.message   | - | {"body":"@room hello"}                                   | .m.rule.roomnotif                | true  | true
            legacy @room without power        | @pleb | 5 | m.room.message   | - | {"body":"@room hello"}                                   | .m.rule.message                  | true  | false
            invite for me                     | @pleb | 5 | m.room.member    | @alice:example.org | {"membership":"invite"}         | .m.rule.invite_for_me            | true  | false
            someone else's join               | @pleb | 5 | m.room.member    | @pleb:example.org  | {"membership":"join"}           | .m.rule.member_event             | false | false
            tombstone                         | @mod  | 5 | m.room.tombstone | ''                 | {"body":"moved"}                | .m.rule.tombstone                | true  | true
            reaction                          | @pleb | 5 | m.reaction       | - | {"m.relates_to":{"rel_type":"m.annotation"}}             | .m.rule.reaction                 | false | false
            edit                              | @pleb | 5 | m.room.message   | - | {"body":"x","m.relates_to":{"rel_type":"m.replace"}}     | .m.rule.suppress_edits           | false | false
            call invite                       | @pleb | 5 | m.call.invite    | - | {"call_id":"1"}                                          | .m.rule.call                     | true  | false
            server acl                        | @mod  | 5 | m.room.server_acl | ''                | {"allow":["*"]}                 | .m.rule.room.server_acl          | false | false
            custom state event                | @pleb | 5 | org.example.x    | ''                 | {}                              | none                             | false | false
            """)
    void defaultRules(String name, String sender, long members, String type, String stateKey, String content,
            String expectedRule, boolean notifies, boolean highlights) throws Exception {
        JsonNode event = event(sender + ":example.org", type, stateKey, content);
        Optional<PushRule> rule = PushEvaluator.firstMatch(DefaultRules.forUser(ALICE), event, ALICE, room(members));
        assertThat(rule.map(PushRule::ruleId).orElse("none")).as(name).isEqualTo(expectedRule);
        assertThat(rule.map(PushRule::notifies).orElse(false)).as(name + " notifies").isEqualTo(notifies);
        assertThat(rule.map(PushRule::highlights).orElse(false)).as(name + " highlights").isEqualTo(highlights);
    }

    static PushRule override(String id, String conditions) throws Exception {
        ArrayNode actions = JsonNodeFactory.instance.arrayNode().add("notify");
        return new PushRule(PushRule.Kind.OVERRIDE, id, false, true, actions,
                Optional.of((ArrayNode) JSON.readTree(conditions)), Optional.empty());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            event_match on a nested key               | [{"kind":"event_match","key":"content.topic","pattern":"lunc?*"}]        | {"topic":"Lunch plans"}          | true
            event_match needs a string                | [{"kind":"event_match","key":"content.topic","pattern":"*"}]             | {"topic":5}                      | false
            event_match on an absent key              | [{"kind":"event_match","key":"content.nope","pattern":"*"}]              | {}                               | false
            escaped dot in a key                      | [{"kind":"event_property_is","key":"content.m\\\\.federate","value":true}] | {"m.federate":true}            | true
            property_is does not cast                 | [{"kind":"event_property_is","key":"content.m\\\\.federate","value":true}] | {"m.federate":"true"}          | false
            property_is on an integer                 | [{"kind":"event_property_is","key":"content.n","value":3}]               | {"n":3}                          | true
            property_is on null                       | [{"kind":"event_property_is","key":"content.n","value":null}]            | {"n":null}                       | true
            property_contains                         | [{"kind":"event_property_contains","key":"content.alt_aliases","value":"#a:x.org"}] | {"alt_aliases":["#b:x.org","#a:x.org"]} | true
            property_contains is no substring match   | [{"kind":"event_property_contains","key":"content.alt_aliases","value":":x.org"}]   | {"alt_aliases":["#a:x.org"]}  | false
            property_contains needs an array          | [{"kind":"event_property_contains","key":"content.a","value":"x"}]       | {"a":"x"}                        | false
            room_member_count <=                      | [{"kind":"room_member_count","is":"<=5"}]                                | {}                               | true
            room_member_count >                       | [{"kind":"room_member_count","is":">5"}]                                 | {}                               | false
            room_member_count bad                     | [{"kind":"room_member_count","is":"many"}]                               | {}                               | false
            unknown condition never matches           | [{"kind":"org.example.future"}]                                          | {}                               | false
            no conditions always match                | []                                                                       | {}                               | true
            all conditions must hold                  | [{"kind":"room_member_count","is":"5"},{"kind":"event_match","key":"type","pattern":"m.x"}] | {} | false
            """)
    void conditions(String name, String conditions, String content, boolean matches) throws Exception {
        JsonNode event = event("@pleb:example.org", "m.room.message", "-", content);
        List<PushRule> rules = List.of(override("custom", conditions));
        assertThat(PushEvaluator.firstMatch(rules, event, ALICE, room(5)).isPresent()).as(name).isEqualTo(matches);
    }

    @org.junit.jupiter.api.Test
    void aDisabledRuleNeverMatchesAndTheMasterRuleSilencesEverything() throws Exception {
        JsonNode message = event("@pleb:example.org", "m.room.message", "-", "{\"body\":\"hi\"}");
        List<PushRule> rules = new java.util.ArrayList<>(DefaultRules.forUser(ALICE));
        rules.replaceAll(r -> r.ruleId().equals(".m.rule.message") ? r.withEnabled(false) : r);
        assertThat(PushEvaluator.firstMatch(rules, message, ALICE, room(5))).isEmpty();
        rules.replaceAll(r -> r.ruleId().equals(DefaultRules.MASTER) ? r.withEnabled(true) : r);
        assertThat(PushEvaluator.firstMatch(rules, message, ALICE, room(2)).map(PushRule::ruleId))
                .contains(DefaultRules.MASTER);
        assertThat(PushEvaluator.firstMatch(rules, message, ALICE, room(2)).get().notifies()).isFalse();
    }

    @org.junit.jupiter.api.Test
    void creatorsOfPrivilegedRoomsOutrankEveryLevel() throws Exception {
        JsonNode mention = event("@owner:example.org", "m.room.message", "-",
                "{\"body\":\"x\",\"m.mentions\":{\"room\":true}}");
        PushContext v12 = new PushContext(5, Optional.empty(), PowerLevels.withoutEvent(),
                Set.of("@owner:example.org"));
        assertThat(PushEvaluator.firstMatch(DefaultRules.forUser(ALICE), mention, ALICE, v12).map(PushRule::ruleId))
                .contains(".m.rule.is_room_mention");
    }
}
