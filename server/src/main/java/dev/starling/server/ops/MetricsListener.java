package dev.starling.server.ops;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The metrics listener: a separate HTTP port, off by default and bound to loopback by default, serving
 * {@code GET /metrics} in the Prometheus text format (and {@code /health}). Separate from the client
 * listener as in Synapse ({@code type: metrics} listener, {@code enable_metrics}), so that the metrics are
 * not reachable by whoever reaches the Matrix API; metrics carry no user data, but they do tell traffic.
 */
public final class MetricsListener implements AutoCloseable {
    /** The path Prometheus scrapes by default. */
    public static final String PATH = "/metrics";

    private final Server server;
    private final ServerConnector connector;

    public MetricsListener(String bindAddress, int port, ServerMetrics metrics, HealthCheck health) {
        Objects.requireNonNull(metrics, "metrics");
        QueuedThreadPool threads = new QueuedThreadPool(8, 2);
        threads.setName("starling-metrics");
        server = new Server(threads);
        connector = new ServerConnector(server, 1, 1);
        connector.setHost(bindAddress);
        connector.setPort(port);
        server.addConnector(connector);
        Handler.Abstract metricsHandler = new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String path = request.getHttpURI().getPath();
                if (!path.equals(PATH)) {
                    HealthCheck.answer(response, callback, 404, "Not Found");
                } else if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
                    response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
                    HealthCheck.answer(response, callback, 405, "Method Not Allowed");
                } else {
                    response.setStatus(200);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, ServerMetrics.contentType());
                    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
                    response.write(true, ByteBuffer.wrap(metrics.text()), callback);
                }
                return true;
            }
        };
        health.setHandler(metricsHandler);
        server.setHandler(health);
    }

    /** Starts listening; returns the bound port (the chosen one for port 0). */
    public int start() throws IOException {
        try {
            server.start();
        } catch (Exception e) {
            close();
            throw new IOException("cannot start the metrics listener on " + connector.getHost() + ":"
                    + connector.getPort(), e);
        }
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the metrics listener", e);
        }
    }
}
