package dev.starling.server.push;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.UserId;
import dev.starling.server.push.PushRule.Kind;
import dev.starling.server.storage.StreamChanges;
import dev.starling.server.storage.StreamPositions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Push rules on disk (migration V5): the user's own rules ({@code push_rules}, ordered by {@code priority},
 * greater first), their changes to server-default rules ({@code push_rule_defaults}: enabled and actions), and
 * the stream position of their last change ({@code push_rules_stream}, for /sync's {@code m.push_rules}).
 */
final class PushRuleStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PushRuleStore() {}

    /** A user's changes to one default rule: empty fields keep the default. */
    record DefaultChange(Optional<Boolean> enabled, Optional<ArrayNode> actions) {}

    /** The user's own rules, most important first within each kind. */
    static List<PushRule> userRules(Connection c, UserId user) throws SQLException {
        List<PushRule> rules = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT kind, rule_id, rule, enabled FROM push_rules"
                + " WHERE user_id = ? ORDER BY kind, priority DESC")) {
            s.setString(1, user.value());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    Kind kind = Kind.parse(r.getString(1)).orElseThrow(() -> new SQLException("bad stored kind"));
                    ObjectNode rule = parse(r.getString(3));
                    rules.add(new PushRule(kind, r.getString(2), false, r.getBoolean(4),
                            (ArrayNode) rule.get("actions"),
                            rule.get("conditions") instanceof ArrayNode a ? Optional.of(a) : Optional.empty(),
                            rule.get("pattern") instanceof JsonNode p && p.isTextual() ? Optional.of(p.asText())
                                    : Optional.empty()));
                }
            }
        }
        return rules;
    }

    static Map<String, DefaultChange> defaultChanges(Connection c, UserId user) throws SQLException {
        Map<String, DefaultChange> changes = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT kind, rule_id, enabled, actions FROM push_rule_defaults WHERE user_id = ?")) {
            s.setString(1, user.value());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    boolean enabled = r.getBoolean(3);
                    Optional<Boolean> maybeEnabled = r.wasNull() ? Optional.empty() : Optional.of(enabled);
                    String actions = r.getString(4);
                    changes.put(r.getString(1) + "/" + r.getString(2), new DefaultChange(maybeEnabled,
                            actions == null ? Optional.empty() : Optional.of((ArrayNode) JSON.readTree(actions))));
                }
            } catch (JsonProcessingException e) {
                throw new SQLException("stored push rule actions are not JSON", e);
            }
        }
        return changes;
    }

    /** Replaces the user's rules of one kind by {@code rules}, most important first. */
    static void replaceKind(Connection c, UserId user, Kind kind, List<PushRule> rules) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM push_rules WHERE user_id = ? AND kind = ?")) {
            s.setString(1, user.value());
            s.setString(2, kind.wire());
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO push_rules"
                + " (user_id, kind, rule_id, priority, rule, enabled) VALUES (?, ?, ?, ?, ?, ?)")) {
            int priority = rules.size();
            for (PushRule rule : rules) {
                ObjectNode json = rule.toJson();
                json.remove(List.of("rule_id", "default", "enabled"));
                s.setString(1, user.value());
                s.setString(2, kind.wire());
                s.setString(3, rule.ruleId());
                s.setLong(4, priority--);
                s.setString(5, write(json));
                s.setBoolean(6, rule.enabled());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    static void putDefaultChange(Connection c, UserId user, Kind kind, String ruleId, DefaultChange change)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "DELETE FROM push_rule_defaults WHERE user_id = ? AND kind = ? AND rule_id = ?")) {
            s.setString(1, user.value());
            s.setString(2, kind.wire());
            s.setString(3, ruleId);
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO push_rule_defaults"
                + " (user_id, kind, rule_id, enabled, actions) VALUES (?, ?, ?, ?, ?)")) {
            s.setString(1, user.value());
            s.setString(2, kind.wire());
            s.setString(3, ruleId);
            if (change.enabled().isPresent()) {
                s.setBoolean(4, change.enabled().get());
            } else {
                s.setNull(4, java.sql.Types.BOOLEAN);
            }
            s.setString(5, change.actions().map(PushRuleStore::write).orElse(null));
            s.executeUpdate();
        }
    }

    /** The {@link StreamChanges} key of the user's push rules. */
    static Object changeKey(UserId user) {
        return new ChangeKey(user);
    }

    private record ChangeKey(UserId user) {}

    /** Records that the user's rules changed: takes a stream position. */
    static void touch(Connection c, UserId user) throws SQLException {
        long position = StreamPositions.next(c);
        StreamChanges.touch(changeKey(user), position);
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE push_rules_stream SET stream_position = ? WHERE user_id = ?")) {
            s.setLong(1, position);
            s.setString(2, user.value());
            if (s.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO push_rules_stream (user_id, stream_position) VALUES (?, ?)")) {
            s.setString(1, user.value());
            s.setLong(2, position);
            s.executeUpdate();
        }
    }

    /** The position of the user's last change, 0 if never. */
    static long changedAt(Connection c, UserId user) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT stream_position FROM push_rules_stream WHERE user_id = ?")) {
            s.setString(1, user.value());
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getLong(1) : 0;
            }
        }
    }

    private static ObjectNode parse(String json) throws SQLException {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (JsonProcessingException | ClassCastException e) {
            throw new SQLException("a stored push rule is not a JSON object", e);
        }
    }

    private static String write(JsonNode json) {
        try {
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
