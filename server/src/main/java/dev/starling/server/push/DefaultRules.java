package dev.starling.server.push;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.UserId;
import dev.starling.server.push.PushRule.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The server-default push rules (Client-Server API § Predefined rules), in the spec's order, for one user. We
 * advertise spec versions up to v1.10, so the legacy mention rules ({@code .m.rule.contains_display_name},
 * {@code .m.rule.roomnotif}, {@code .m.rule.contains_user_name}, removed in v1.17) are kept, as Synapse keeps
 * them; as v1.7 requires, they apply only to events without {@code m.mentions} (see {@link #LEGACY_MENTIONS}).
 */
final class DefaultRules {
    static final String MASTER = ".m.rule.master";
    /** Rules that "should only be enabled if the event does not have an m.mentions property" (spec v1.7). */
    static final Set<String> LEGACY_MENTIONS = Set.of(".m.rule.contains_display_name", ".m.rule.roomnotif",
            ".m.rule.contains_user_name");

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private DefaultRules() {}

    /** Every default rule for {@code user}, kind by kind in evaluation order. */
    static List<PushRule> forUser(UserId user) {
        List<PushRule> rules = new ArrayList<>();
        // override
        rules.add(rule(Kind.OVERRIDE, MASTER, false, actions(), conditions()));
        rules.add(rule(Kind.OVERRIDE, ".m.rule.suppress_notices", true, actions(),
                conditions(match("content.msgtype", "m.notice"))));
        rules.add(rule(Kind.OVERRIDE, ".m.rule.invite_for_me", true, actions("notify", sound("default")),
                conditions(match("type", "m.room.member"), match("content.membership", "invite"),
                        match("state_key", user.value()))));
        rules.add(rule(Kind.OVERRIDE, ".m.rule.member_event", true, actions(),
                conditions(match("type", "m.room.member"))));
        rules.add(rule(Kind.OVERRIDE, ".m.rule.is_user_mention", true,
                actions("notify", sound("default"), highlight()),
                conditions(contains("content.m\\.mentions.user_ids", user.value()))));
        rules.add(rule(Kind.OVERRIDE, ".m.rule.contains_display_name", true,
                actions("notify", sound("default"), highlight()), conditions(kind("contains_display_name"))));
        ObjectNode mentionsRoom = kind("event_property_is");
        mentionsRoom.put("key", "content.m\\.mentions.room");
        mentionsRoom.put("value", true);
        rules.add(rule(Kind.OVERRIDE, ".m.rule.is_room_mention", true, actions("notify", highlight()),
                conditions(mentionsRoom, permission("room"))));
        rules.add(rule(Kind.OVERRIDE, ".m.rule.roomnotif", true, actions("notify", highlight()),
                conditions(match("content.body", "@room"), permission("room"))));
        rules.add(rule(Kind.OVERRIDE, ".m.rule.tombstone", true, actions("notify", highlight()),
                conditions(match("type", "m.room.tombstone"), match("state_key", ""))));
        rules.add(rule(Kind.OVERRIDE, ".m.rule.reaction", true, actions(), conditions(match("type", "m.reaction"))));
        rules.add(rule(Kind.OVERRIDE, ".m.rule.room.server_acl", true, actions(),
                conditions(match("type", "m.room.server_acl"), match("state_key", ""))));
        ObjectNode edit = kind("event_property_is");
        edit.put("key", "content.m\\.relates_to.rel_type");
        edit.put("value", "m.replace");
        rules.add(rule(Kind.OVERRIDE, ".m.rule.suppress_edits", true, actions(), conditions(edit)));
        // content
        rules.add(new PushRule(Kind.CONTENT, ".m.rule.contains_user_name", true, true,
                actions("notify", sound("default"), highlight()), Optional.empty(), Optional.of(user.localpart())));
        // underride
        rules.add(rule(Kind.UNDERRIDE, ".m.rule.call", true, actions("notify", sound("ring")),
                conditions(match("type", "m.call.invite"))));
        rules.add(rule(Kind.UNDERRIDE, ".m.rule.encrypted_room_one_to_one", true,
                actions("notify", sound("default")), conditions(memberCount("2"), match("type", "m.room.encrypted"))));
        rules.add(rule(Kind.UNDERRIDE, ".m.rule.room_one_to_one", true, actions("notify", sound("default")),
                conditions(memberCount("2"), match("type", "m.room.message"))));
        rules.add(rule(Kind.UNDERRIDE, ".m.rule.message", true, actions("notify"),
                conditions(match("type", "m.room.message"))));
        rules.add(rule(Kind.UNDERRIDE, ".m.rule.encrypted", true, actions("notify"),
                conditions(match("type", "m.room.encrypted"))));
        return rules;
    }

    private static PushRule rule(Kind kind, String id, boolean enabled, ArrayNode actions, ArrayNode conditions) {
        return new PushRule(kind, id, true, enabled, actions, Optional.of(conditions), Optional.empty());
    }

    private static ArrayNode actions(Object... actions) {
        ArrayNode array = F.arrayNode();
        for (Object action : actions) {
            if (action instanceof String s) {
                array.add(s);
            } else {
                array.add((ObjectNode) action);
            }
        }
        return array;
    }

    private static ObjectNode sound(String sound) {
        ObjectNode tweak = F.objectNode();
        tweak.put("set_tweak", "sound");
        tweak.put("value", sound);
        return tweak;
    }

    private static ObjectNode highlight() {
        ObjectNode tweak = F.objectNode();
        tweak.put("set_tweak", "highlight");
        return tweak;
    }

    private static ArrayNode conditions(ObjectNode... conditions) {
        ArrayNode array = F.arrayNode();
        for (ObjectNode condition : conditions) {
            array.add(condition);
        }
        return array;
    }

    private static ObjectNode kind(String kind) {
        ObjectNode condition = F.objectNode();
        condition.put("kind", kind);
        return condition;
    }

    private static ObjectNode match(String key, String pattern) {
        ObjectNode condition = kind("event_match");
        condition.put("key", key);
        condition.put("pattern", pattern);
        return condition;
    }

    private static ObjectNode contains(String key, String value) {
        ObjectNode condition = kind("event_property_contains");
        condition.put("key", key);
        condition.put("value", value);
        return condition;
    }

    private static ObjectNode permission(String key) {
        ObjectNode condition = kind("sender_notification_permission");
        condition.put("key", key);
        return condition;
    }

    private static ObjectNode memberCount(String is) {
        ObjectNode condition = kind("room_member_count");
        condition.put("is", is);
        return condition;
    }
}
