package dev.starling.server.push;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.UserId;
import dev.starling.server.http.ErrorCode;
import dev.starling.server.http.MatrixException;
import dev.starling.server.push.PushRule.Kind;
import dev.starling.server.storage.Database;
import dev.starling.server.sync.Notifier;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A user's push ruleset: the server-default rules with the user's changes, and the user's own rules, in
 * evaluation order (Client-Server API § Push rules): {@code .m.rule.master} first, then per kind the user's rules
 * before the server-default ones. Changes take a stream position and wake the user's syncs, which then carry
 * the new {@code m.push_rules}.
 */
public final class PushRules {
    /** The most rules of their own a user may have. */
    static final int MAX_USER_RULES = 500;

    /** Rulesets kept in memory, at most; all are dropped when full. */
    static final int MAX_KEPT = 10_000;

    private final Database db;
    private final Notifier notifier;
    private final java.util.concurrent.atomic.AtomicLong version = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.ConcurrentHashMap<UserId, Kept> rulesets =
            new java.util.concurrent.ConcurrentHashMap<>();

    public PushRules(Database db, Notifier notifier) {
        this.db = db;
        this.notifier = notifier;
    }

    /**
     * The ruleset in evaluation order. Kept in memory per user (every sync with unread events reads it): an entry
     * is used only while no change to anyone's rules committed since it was read ({@link #change} moves
     * {@link #version} on after its commit, so an entry read before a commit carries an older version).
     */
    public List<PushRule> ruleset(UserId user) {
        long current = version.get();
        Kept kept = rulesets.get(user);
        if (kept != null && kept.version() == current) {
            return kept.rules();
        }
        List<PushRule> rules = List.copyOf(db.read(c -> ruleset(c, user)));
        if (rulesets.size() >= MAX_KEPT) {
            rulesets.clear();
        }
        rulesets.put(user, new Kept(current, rules));
        return rules;
    }

    private record Kept(long version, List<PushRule> rules) {}

    static List<PushRule> ruleset(Connection c, UserId user) throws SQLException {
        Map<String, PushRuleStore.DefaultChange> changes = PushRuleStore.defaultChanges(c, user);
        List<PushRule> defaults = new ArrayList<>();
        for (PushRule rule : DefaultRules.forUser(user)) {
            PushRuleStore.DefaultChange change = changes.get(rule.kind().wire() + "/" + rule.ruleId());
            if (change != null) {
                rule = rule.withEnabled(change.enabled().orElse(rule.enabled()));
                rule = change.actions().map(rule::withActions).orElse(rule);
            }
            defaults.add(rule);
        }
        List<PushRule> own = PushRuleStore.userRules(c, user);
        List<PushRule> ordered = new ArrayList<>();
        defaults.stream().filter(r -> r.ruleId().equals(DefaultRules.MASTER)).forEach(ordered::add);
        for (Kind kind : Kind.values()) {
            own.stream().filter(r -> r.kind() == kind).forEach(ordered::add);
            defaults.stream().filter(r -> r.kind() == kind && !r.ruleId().equals(DefaultRules.MASTER))
                    .forEach(ordered::add);
        }
        return ordered;
    }

    /** The ruleset as {@code GET /pushrules/global/} shows it: an array per kind. */
    public ObjectNode globalJson(UserId user) {
        return toJson(ruleset(user));
    }

    /** The content of {@code m.push_rules}: {@code {"global": ruleset}}. */
    public ObjectNode accountData(UserId user) {
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        content.set("global", globalJson(user));
        return content;
    }

    static ObjectNode toJson(List<PushRule> rules) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        for (Kind kind : Kind.values()) {
            json.putArray(kind.wire());
        }
        for (PushRule rule : rules) {
            json.withArrayProperty(rule.kind().wire()).add(rule.toJson());
        }
        return json;
    }

    Optional<PushRule> find(UserId user, Kind kind, String ruleId) {
        return ruleset(user).stream().filter(r -> r.kind() == kind && r.ruleId().equals(ruleId)).findFirst();
    }

    /** Creates or replaces a rule of the user's own, placed by {@code before}/{@code after} if given. */
    void put(UserId user, PushRule rule, Optional<String> before, Optional<String> after) {
        change(user, c -> {
            List<PushRule> own = PushRuleStore.userRules(c, user);
            if (own.size() >= MAX_USER_RULES && own.stream().noneMatch(r -> sameRule(r, rule))) {
                throw MatrixException.invalidParam("ruleId", "at most " + MAX_USER_RULES + " rules per user");
            }
            List<PushRule> ofKind = new ArrayList<>(own.stream().filter(r -> r.kind() == rule.kind()).toList());
            int existing = indexOf(ofKind, rule.ruleId());
            if (existing >= 0) {
                ofKind.remove(existing);
            }
            int at;
            if (before.isPresent() || after.isPresent()) {
                String anchor = before.orElseGet(after::get);
                int index = indexOf(ofKind, anchor);
                if (index < 0) {
                    throw new MatrixException(ErrorCode.M_UNKNOWN, "before/after rule not found: " + anchor);
                }
                at = before.isPresent() ? index : index + 1;
            } else {
                at = existing >= 0 ? existing : 0;
            }
            ofKind.add(at, rule);
            PushRuleStore.replaceKind(c, user, rule.kind(), ofKind);
        });
    }

    /** Deletes a rule of the user's own; 404 when there is none, 400 for a server-default rule. */
    void delete(UserId user, Kind kind, String ruleId) {
        if (ruleId.startsWith(".")) {
            requireDefault(user, kind, ruleId);
            throw MatrixException.invalidParam("ruleId", "server-default rules cannot be deleted");
        }
        change(user, c -> {
            List<PushRule> ofKind = new ArrayList<>(PushRuleStore.userRules(c, user).stream()
                    .filter(r -> r.kind() == kind).toList());
            int index = indexOf(ofKind, ruleId);
            if (index < 0) {
                throw notFound();
            }
            ofKind.remove(index);
            PushRuleStore.replaceKind(c, user, kind, ofKind);
        });
    }

    void setEnabled(UserId user, Kind kind, String ruleId, boolean enabled) {
        update(user, kind, ruleId, rule -> rule.withEnabled(enabled), Optional.of(enabled), Optional.empty());
    }

    void setActions(UserId user, Kind kind, String ruleId, ArrayNode actions) {
        update(user, kind, ruleId, rule -> rule.withActions(actions), Optional.empty(), Optional.of(actions));
    }

    private void update(UserId user, Kind kind, String ruleId, java.util.function.UnaryOperator<PushRule> edit,
            Optional<Boolean> enabled, Optional<ArrayNode> actions) {
        change(user, c -> {
            if (ruleId.startsWith(".")) {
                ruleset(c, user).stream()
                        .filter(r -> r.kind() == kind && r.ruleId().equals(ruleId) && r.isDefault()).findFirst()
                        .orElseThrow(PushRules::notFound);
                Map<String, PushRuleStore.DefaultChange> changes = PushRuleStore.defaultChanges(c, user);
                PushRuleStore.DefaultChange old = changes.getOrDefault(kind.wire() + "/" + ruleId,
                        new PushRuleStore.DefaultChange(Optional.empty(), Optional.empty()));
                PushRuleStore.putDefaultChange(c, user, kind, ruleId, new PushRuleStore.DefaultChange(
                        enabled.or(old::enabled), actions.or(old::actions)));
                return;
            }
            List<PushRule> ofKind = new ArrayList<>(PushRuleStore.userRules(c, user).stream()
                    .filter(r -> r.kind() == kind).toList());
            int index = indexOf(ofKind, ruleId);
            if (index < 0) {
                throw notFound();
            }
            ofKind.set(index, edit.apply(ofKind.get(index)));
            PushRuleStore.replaceKind(c, user, kind, ofKind);
        });
    }

    private void requireDefault(UserId user, Kind kind, String ruleId) {
        find(user, kind, ruleId).orElseThrow(PushRules::notFound);
    }

    private interface Change {
        void run(Connection c) throws SQLException;
    }

    private void change(UserId user, Change work) {
        try {
            db.inTransaction(c -> {
                work.run(c);
                PushRuleStore.touch(c, user);
                return null;
            });
        } finally {
            version.incrementAndGet(); // after the commit (or a failure, to be safe): kept rulesets are stale
        }
        notifier.wakeUser(user);
    }

    private static boolean sameRule(PushRule a, PushRule b) {
        return a.kind() == b.kind() && a.ruleId().equals(b.ruleId());
    }

    private static int indexOf(List<PushRule> rules, String ruleId) {
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).ruleId().equals(ruleId)) {
                return i;
            }
        }
        return -1;
    }

    static MatrixException notFound() {
        return MatrixException.notFound("the push rule was not found");
    }
}
