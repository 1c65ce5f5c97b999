package dev.starling.server.ops;

import dev.starling.server.storage.Database;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /health}: 200 {@code OK} when the database answers a trivial query within {@link #TIMEOUT}, 503
 * otherwise; no access token, and nothing in the answer but the word (as Synapse's {@code /health}). For load
 * balancers and container health checks. It sits in front of the Matrix dispatcher on the client listener
 * and passes every other request on.
 */
public final class HealthCheck extends Handler.Wrapper {
    /** The path, outside the Matrix API's prefixes (as Synapse and Conduit serve it). */
    public static final String PATH = "/health";
    /** A database slower than this to answer {@code SELECT 1} counts as down. */
    public static final Duration TIMEOUT = Duration.ofSeconds(5);

    private static final ExecutorService CHECKS =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("health-", 0).factory());

    private final Database database;

    public HealthCheck(Database database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    /** Whether the database answers {@code SELECT 1} within {@link #TIMEOUT}. */
    public boolean databaseAnswers() {
        CompletableFuture<Boolean> check = CompletableFuture.supplyAsync(() -> database.read(c -> {
            try (var statement = c.createStatement(); var result = statement.executeQuery("SELECT 1")) {
                return result.next() && result.getInt(1) == 1;
            }
        }), CHECKS);
        try {
            return check.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            check.cancel(true);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!request.getHttpURI().getPath().equals(PATH)) {
            return super.handle(request, response, callback);
        }
        String method = request.getMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            answer(response, callback, 405, "Method Not Allowed");
            return true;
        }
        boolean up = databaseAnswers();
        answer(response, callback, up ? 200 : 503, up ? "OK" : "Service Unavailable");
        return true;
    }

    static void answer(Response response, Callback callback, int status, String text) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), callback);
    }
}
