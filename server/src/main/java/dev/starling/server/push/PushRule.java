package dev.starling.server.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.Optional;

/**
 * One push rule (Client-Server API § Push rules, {@code PushRule}): its kind and ID, whether it is a
 * server-default rule and enabled, its actions, and the conditions ({@code override}, {@code underride}) or
 * pattern ({@code content}). {@code room} and {@code sender} rules have neither: their ID is the condition.
 */
public record PushRule(Kind kind, String ruleId, boolean isDefault, boolean enabled, ArrayNode actions,
        Optional<ArrayNode> conditions, Optional<String> pattern) {
    /** The kinds, in the order they are checked. */
    public enum Kind {
        OVERRIDE, CONTENT, ROOM, SENDER, UNDERRIDE;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The kind named in a path; empty for anything else. */
        public static Optional<Kind> parse(String wire) {
            for (Kind kind : values()) {
                if (kind.wire().equals(wire)) {
                    return Optional.of(kind);
                }
            }
            return Optional.empty();
        }
    }

    public PushRule {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(ruleId, "ruleId");
        actions = actions.deepCopy();
        conditions = conditions.map(ArrayNode::deepCopy);
    }

    PushRule withEnabled(boolean newEnabled) {
        return new PushRule(kind, ruleId, isDefault, newEnabled, actions, conditions, pattern);
    }

    PushRule withActions(ArrayNode newActions) {
        return new PushRule(kind, ruleId, isDefault, enabled, newActions, conditions, pattern);
    }

    /** The rule as the API and {@code m.push_rules} show it. */
    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("rule_id", ruleId);
        json.put("default", isDefault);
        json.put("enabled", enabled);
        json.set("actions", actions.deepCopy());
        conditions.ifPresent(c -> json.set("conditions", c.deepCopy()));
        pattern.ifPresent(p -> json.put("pattern", p));
        return json;
    }

    /** Whether the actions notify, and whether they highlight ({@code highlight} tweak absent value: true). */
    boolean notifies() {
        for (JsonNode action : actions) {
            if (action.isTextual() && action.asText().equals("notify")) {
                return true;
            }
        }
        return false;
    }

    boolean highlights() {
        for (JsonNode action : actions) {
            if (action.isObject() && action.path("set_tweak").asText().equals("highlight")) {
                JsonNode value = action.path("value");
                return value.isMissingNode() || value.asBoolean(false);
            }
        }
        return false;
    }
}
