package dev.starling.server.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.http.MatrixException;
import dev.starling.server.http.MatrixRequest;
import dev.starling.server.http.MatrixResponse;
import dev.starling.server.push.PushRule.Kind;
import java.util.Optional;
import java.util.Set;

/**
 * The push rules API (Client-Server API § Push rules: API). Only the {@code global} scope exists. User rule IDs
 * may not start with {@code .} (reserved for server-default rules) nor hold {@code /} or {@code \}; room rules
 * are named by a room ID and sender rules by a user ID. Bad input is 400 (M_INVALID_PARAM for the path, M_BAD_JSON
 * for the body), an unknown rule 404 M_NOT_FOUND.
 */
public final class PushRulesApi {
    private static final Set<String> ACTIONS = Set.of("notify", "dont_notify", "coalesce");
    private static final int MAX_CONDITIONS = 50;
    private static final int MAX_RULE_ID = 255;

    private final PushRules rules;

    public PushRulesApi(PushRules rules) {
        this.rules = rules;
    }

    /** GET /_matrix/client/v3/pushrules/ — Client-Server API § Push rules: API (the whole ruleset). */
    public MatrixResponse all(MatrixRequest request) {
        UserId user = request.requireDevice().userId();
        if (!request.pathParam("scope").isEmpty()) {
            throw MatrixException.invalidParam("scope", "only the global scope exists");
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.set("global", rules.globalJson(user));
        return MatrixResponse.ok(body);
    }

    /** GET /_matrix/client/v3/pushrules/global/ — Client-Server API § Push rules: API (a kind with {kind}). */
    public MatrixResponse global(MatrixRequest request) {
        UserId user = request.requireDevice().userId();
        String kind = request.pathParam("kind");
        ObjectNode ruleset = rules.globalJson(user);
        if (kind.isEmpty()) {
            return MatrixResponse.ok(ruleset);
        }
        return MatrixResponse.ok((ArrayNode) ruleset.get(kind(request).wire()));
    }

    /** GET /_matrix/client/v3/pushrules/global/{kind}/{ruleId} — Client-Server API § Push rules: API. */
    public MatrixResponse get(MatrixRequest request) {
        return MatrixResponse.ok(rule(request).toJson());
    }

    /** PUT /_matrix/client/v3/pushrules/global/{kind}/{ruleId} — Client-Server API § Push rules: API. */
    public MatrixResponse put(MatrixRequest request) {
        UserId user = request.requireDevice().userId();
        Kind kind = kind(request);
        String ruleId = request.pathParam("ruleId");
        if (ruleId.startsWith(".") || ruleId.contains("/") || ruleId.contains("\\") || ruleId.length() > MAX_RULE_ID) {
            throw MatrixException.invalidParam("ruleId",
                    "must not start with '.', hold '/' or '\\', or be longer than " + MAX_RULE_ID);
        }
        try {
            if (kind == Kind.ROOM) {
                RoomId.parse(ruleId);
            } else if (kind == Kind.SENDER) {
                UserId.parse(ruleId);
            }
        } catch (InvalidIdentifierException e) {
            throw MatrixException.invalidParam("ruleId", "a " + kind.wire() + " rule is named by its "
                    + (kind == Kind.ROOM ? "room ID" : "user ID"));
        }
        ObjectNode body = request.jsonBody();
        ArrayNode actions = actions(body.path("actions"));
        Optional<ArrayNode> conditions = Optional.empty();
        Optional<String> pattern = Optional.empty();
        if (kind == Kind.OVERRIDE || kind == Kind.UNDERRIDE) {
            conditions = Optional.of(conditions(body.path("conditions")));
        } else if (kind == Kind.CONTENT) {
            JsonNode value = body.path("pattern");
            if (!value.isTextual() || value.asText().isEmpty()
                    || value.asText().length() > PushEvaluator.MAX_PATTERN_LENGTH) {
                throw MatrixException.badJson("a content rule needs a pattern of 1 to "
                        + PushEvaluator.MAX_PATTERN_LENGTH + " characters");
            }
            pattern = Optional.of(value.asText());
        }
        rules.put(user, new PushRule(kind, ruleId, false, true, actions, conditions, pattern),
                request.queryParam("before"), request.queryParam("after"));
        return MatrixResponse.ok(JsonNodeFactory.instance.objectNode());
    }

    /** DELETE /_matrix/client/v3/pushrules/global/{kind}/{ruleId} — Client-Server API § Push rules: API. */
    public MatrixResponse delete(MatrixRequest request) {
        rules.delete(request.requireDevice().userId(), kind(request), request.pathParam("ruleId"));
        return MatrixResponse.ok(JsonNodeFactory.instance.objectNode());
    }

    /** GET /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/enabled — Client-Server API § Push rules: API. */
    public MatrixResponse getEnabled(MatrixRequest request) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("enabled", rule(request).enabled());
        return MatrixResponse.ok(body);
    }

    /** PUT /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/enabled — Client-Server API § Push rules: API. */
    public MatrixResponse putEnabled(MatrixRequest request) {
        Kind kind = kind(request);
        JsonNode enabled = request.jsonBody().path("enabled");
        if (!enabled.isBoolean()) {
            throw MatrixException.badJson("enabled must be a boolean");
        }
        rules.setEnabled(request.requireDevice().userId(), kind, request.pathParam("ruleId"), enabled.asBoolean());
        return MatrixResponse.ok(JsonNodeFactory.instance.objectNode());
    }

    /** GET /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/actions — Client-Server API § Push rules: API. */
    public MatrixResponse getActions(MatrixRequest request) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.set("actions", rule(request).actions());
        return MatrixResponse.ok(body);
    }

    /** PUT /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/actions — Client-Server API § Push rules: API. */
    public MatrixResponse putActions(MatrixRequest request) {
        Kind kind = kind(request);
        ArrayNode actions = actions(request.jsonBody().path("actions"));
        rules.setActions(request.requireDevice().userId(), kind, request.pathParam("ruleId"), actions);
        return MatrixResponse.ok(JsonNodeFactory.instance.objectNode());
    }

    private PushRule rule(MatrixRequest request) {
        return rules.find(request.requireDevice().userId(), kind(request), request.pathParam("ruleId"))
                .orElseThrow(PushRules::notFound);
    }

    private static Kind kind(MatrixRequest request) {
        return Kind.parse(request.pathParam("kind")).orElseThrow(() -> MatrixException.invalidParam("kind",
                "must be override, underride, sender, room or content"));
    }

    /** Valid actions; the historical {@code dont_notify} and {@code coalesce} are dropped (spec: MUST ignore). */
    private static ArrayNode actions(JsonNode node) {
        if (!node.isArray() || node.size() > MAX_CONDITIONS) {
            throw MatrixException.badJson("actions must be an array of at most " + MAX_CONDITIONS + " actions");
        }
        ArrayNode kept = JsonNodeFactory.instance.arrayNode();
        for (JsonNode action : node) {
            if (action.isTextual() && ACTIONS.contains(action.asText())) {
                if (action.asText().equals("notify")) {
                    kept.add(action);
                }
            } else if (action.isObject() && action.path("set_tweak").isTextual()) {
                kept.add(action);
            } else {
                throw MatrixException.badJson("unknown action: an action is notify or a set_tweak object");
            }
        }
        return kept;
    }

    private static ArrayNode conditions(JsonNode node) {
        if (node.isMissingNode()) {
            return JsonNodeFactory.instance.arrayNode();
        }
        if (!node.isArray() || node.size() > MAX_CONDITIONS) {
            throw MatrixException.badJson("conditions must be an array of at most " + MAX_CONDITIONS);
        }
        for (JsonNode condition : node) {
            if (!condition.isObject() || !condition.path("kind").isTextual()) {
                throw MatrixException.badJson("each condition is an object with a kind");
            }
        }
        return (ArrayNode) node;
    }
}
