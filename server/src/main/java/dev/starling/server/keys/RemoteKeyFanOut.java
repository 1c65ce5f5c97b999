package dev.starling.server.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The remote half of a client's {@code /keys/query} or {@code /keys/claim}: the users of each other server go
 * to that server, all servers in parallel on virtual threads, each bounded by the request's {@code timeout}
 * (Client-Server API: default 10 s). A server that fails or is late is named under {@code failures}.
 */
final class RemoteKeyFanOut {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteKeyFanOut.class);
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration MAX_TIMEOUT = Duration.ofSeconds(60);

    private RemoteKeyFanOut() {}

    /** Splits {@code wanted} (user ID → anything) by the server of each remote user; local users are left out. */
    static Map<ServerName, ObjectNode> byServer(ObjectNode wanted, ServerName self) {
        Map<ServerName, ObjectNode> out = new LinkedHashMap<>();
        wanted.properties().forEach(user -> {
            ServerName server = UserId.parse(user.getKey()).server();
            if (!server.equals(self)) {
                out.computeIfAbsent(server, s -> wanted.objectNode()).set(user.getKey(), user.getValue());
            }
        });
        return out;
    }

    /** The request's {@code timeout} (milliseconds), clamped to (0, 60 s]. */
    static Duration timeout(JsonNode body) {
        JsonNode timeout = body.path("timeout");
        if (!timeout.canConvertToLong() || timeout.asLong() <= 0) {
            return DEFAULT_TIMEOUT;
        }
        Duration asked = Duration.ofMillis(timeout.asLong());
        return asked.compareTo(MAX_TIMEOUT) > 0 ? MAX_TIMEOUT : asked;
    }

    /** Asks every server at once; returns each server's answer, and records the others under {@code failures}. */
    static Map<ServerName, ObjectNode> ask(Map<ServerName, ObjectNode> byServer, Duration timeout,
            BiFunction<ServerName, ObjectNode, ObjectNode> call, ObjectNode failures) {
        Map<ServerName, ObjectNode> answers = new LinkedHashMap<>();
        if (byServer.isEmpty()) {
            return answers;
        }
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Map<ServerName, Future<ObjectNode>> futures = new LinkedHashMap<>();
            byServer.forEach((server, wanted) -> futures.put(server, threads.submit(() -> call.apply(server, wanted))));
            long deadline = System.nanoTime() + timeout.toNanos();
            for (Map.Entry<ServerName, Future<ObjectNode>> f : futures.entrySet()) {
                try {
                    long left = Math.max(0, deadline - System.nanoTime());
                    answers.put(f.getKey(), f.getValue().get(left, TimeUnit.NANOSECONDS));
                } catch (TimeoutException | ExecutionException e) {
                    f.getValue().cancel(true);
                    LOG.info("remote key request failed server={} error={}", f.getKey(),
                            e instanceof ExecutionException ? e.getCause().toString() : "timeout");
                    failures.putObject(f.getKey().value()).put("error",
                            e instanceof TimeoutException ? "timed out" : "the server could not be reached");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failures.putObject(f.getKey().value()).put("error", "interrupted");
                }
            }
            threads.shutdownNow();
        }
        return answers;
    }

    /** Copies {@code answer.section.<user>} into {@code out.section} for the users the server owns. */
    static void merge(ObjectNode out, String section, ObjectNode answer, ServerName server) {
        JsonNode part = answer.path(section);
        if (!part.isObject()) {
            return;
        }
        ObjectNode target = out.has(section) ? (ObjectNode) out.get(section) : out.putObject(section);
        part.properties().forEach(user -> {
            try {
                if (UserId.parse(user.getKey()).server().equals(server) && user.getValue().isObject()) {
                    target.set(user.getKey(), user.getValue());
                }
            } catch (RuntimeException notAUser) {
                // a server answering for an ID that is not a user: ignored
            }
        });
    }
}
