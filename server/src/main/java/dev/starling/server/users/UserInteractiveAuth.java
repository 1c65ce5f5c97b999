package dev.starling.server.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.server.http.MatrixException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * User-interactive authentication (Client-Server API § User-Interactive Authentication API): a request that
 * needs it is answered 401 with the flows, the stages completed so far and a session ID, until the client has
 * completed every stage of one flow. Sessions live in memory and expire; a restart simply starts a new one.
 */
public final class UserInteractiveAuth {
    /** How long an unfinished session is kept. */
    public static final Duration SESSION_LIFETIME = Duration.ofMinutes(15);
    /** At most this many open sessions; beyond it the oldest are dropped, so that a flood cannot fill memory. */
    public static final int MAX_SESSIONS = 10_000;

    private final List<List<String>> flows;
    private final Map<String, StageCheck> stages;
    private final Clock clock;
    private final SecureRandom random;
    private final Map<String, SessionState> sessions = new ConcurrentHashMap<>();

    /** Decides whether an {@code auth} dict completes its stage. */
    @FunctionalInterface
    public interface StageCheck extends Predicate<ObjectNode> {}

    private record SessionState(Set<String> completed, long createdMs) {}

    /**
     * @param flows the accepted flows, each a list of stage types
     * @param stages how each stage type is checked
     */
    public UserInteractiveAuth(List<List<String>> flows, Map<String, StageCheck> stages, Clock clock,
            SecureRandom random) {
        this.flows = flows.stream().map(List::copyOf).toList();
        this.stages = Map.copyOf(stages);
        this.clock = clock;
        this.random = random;
    }

    /**
     * Processes the request's {@code auth} dict. Returns empty when a whole flow is complete (the session is
     * then spent), or the 401 body the client must be answered with.
     *
     * @throws MatrixException {@code M_BAD_JSON} when {@code auth} is not an object
     */
    public Optional<ObjectNode> process(ObjectNode requestBody) {
        return process(requestBody, stages);
    }

    /**
     * As {@link #process(ObjectNode)}, with the stages checked by {@code requestStages} instead of the
     * constructor's (for checks that depend on the request, such as the password of the authenticated user).
     */
    public Optional<ObjectNode> process(ObjectNode requestBody, Map<String, StageCheck> requestStages) {
        Map<String, StageCheck> stages = requestStages;
        expireOldSessions();
        JsonNode authNode = requestBody.get("auth");
        if (authNode == null || authNode.isNull()) {
            return Optional.of(challenge(newSession(), Set.of(), null));
        }
        if (!(authNode instanceof ObjectNode auth)) {
            throw MatrixException.badJson("auth must be an object");
        }
        String sessionId = auth.path("session").isTextual() ? auth.get("session").textValue() : null;
        SessionState session = sessionId == null ? null : sessions.get(sessionId);
        if (session == null) {
            // An unknown or missing session starts a new one (as Synapse does), then the stage is tried.
            sessionId = newSession();
            session = sessions.get(sessionId);
        }
        String type = auth.path("type").asText("");
        StageCheck check = stages.get(type);
        boolean offered = flows.stream().anyMatch(flow -> flow.contains(type));
        if (check == null || !offered) {
            return Optional.of(challenge(sessionId, session.completed(), "unsupported authentication type " + type));
        }
        if (!check.test(auth)) {
            return Optional.of(challenge(sessionId, session.completed(), "authentication failed for " + type));
        }
        session.completed().add(type);
        for (List<String> flow : flows) {
            if (session.completed().containsAll(flow)) {
                sessions.remove(sessionId);
                return Optional.empty();
            }
        }
        return Optional.of(challenge(sessionId, session.completed(), null));
    }

    private String newSession() {
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.entrySet().stream()
                    .min((a, b) -> Long.compare(a.getValue().createdMs(), b.getValue().createdMs()))
                    .ifPresent(oldest -> sessions.remove(oldest.getKey()));
        }
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        sessions.put(id, new SessionState(ConcurrentHashMap.newKeySet(), clock.millis()));
        return id;
    }

    private void expireOldSessions() {
        long oldest = clock.millis() - SESSION_LIFETIME.toMillis();
        sessions.values().removeIf(state -> state.createdMs() < oldest);
    }

    private ObjectNode challenge(String sessionId, Set<String> completed, String error) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        var flowsArray = body.putArray("flows");
        for (List<String> flow : flows) {
            var stagesArray = flowsArray.addObject().putArray("stages");
            flow.forEach(stagesArray::add);
        }
        body.putObject("params");
        body.put("session", sessionId);
        List<String> done = new ArrayList<>(new LinkedHashSet<>(completed));
        done.forEach(body.putArray("completed")::add);
        if (error != null) {
            body.put("errcode", "M_FORBIDDEN");
            body.put("error", error);
        }
        return body;
    }
}
