package dev.starling.server.http;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The Client-Server API listener: Jetty 12 with handlers on virtual threads, serving one {@link Router}.
 *
 * <pre>{@code
 * try (var server = new MatrixHttpServer(config, router, authenticator)) {
 *     int port = server.start();
 *     ...
 * }
 * }</pre>
 */
public final class MatrixHttpServer implements AutoCloseable {
    /**
     * Longer than the longest {@code /sync} long-poll clients ask for (30 s is usual), so an idle
     * long-poll connection is not cut before its answer.
     */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(90);

    private final HttpServerConfig config;
    private final Server server;
    private final ServerConnector connector;
    private final HttpConfiguration http;
    private ServerConnector tlsConnector;
    private final ExecutorService virtualThreads;
    private final Dispatcher dispatcher;

    /** A server whose rate limiter is built from {@code config.rateLimits()}. */
    public MatrixHttpServer(HttpServerConfig config, Router router, Authenticator authenticator) {
        this(config, router, authenticator, new RateLimiter(config.rateLimits()));
    }

    /**
     * A server sharing {@code rateLimiter} with other code (e.g. the login handler, which takes from
     * {@link RateLimit#LOGIN_FAILURES} only when a password is wrong).
     */
    public MatrixHttpServer(HttpServerConfig config, Router router, Authenticator authenticator,
            RateLimiter rateLimiter) {
        this(config, router, authenticator, rateLimiter, RequestObserver.NONE, null);
    }

    /**
     * A server that reports every request to {@code observer} (metrics) and, when {@code front} is not null,
     * lets {@code front} see each request first (operator endpoints outside the Matrix API such as
     * {@code /health}, which answer plain text); {@code front} passes the others on to the dispatcher.
     */
    public MatrixHttpServer(HttpServerConfig config, Router router, Authenticator authenticator,
            RateLimiter rateLimiter, RequestObserver observer, Handler.Wrapper front) {
        this.config = config;
        this.virtualThreads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("matrix-http-", 0).factory());
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("starling-http");
        threads.setVirtualThreadsExecutor(virtualThreads);
        this.server = new Server(threads);

        HttpConfiguration http = new HttpConfiguration();
        this.http = http;
        http.setSendServerVersion(false);
        // Path parameters are split on the raw path and decoded once by the router, and no path ever maps
        // to a file, so encoded separators (%2F in a state key), %25 and empty segments are not ambiguous
        // here. Bad percent-encoding and bad UTF-8 stay refused.
        http.setUriCompliance(UriCompliance.DEFAULT.with("STARLING",
                UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR,
                UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING,
                UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT,
                UriCompliance.Violation.AMBIGUOUS_PATH_SEGMENT,
                UriCompliance.Violation.AMBIGUOUS_PATH_PARAMETER,
                UriCompliance.Violation.SUSPICIOUS_PATH_CHARACTERS));
        if (config.trustForwardedHeaders()) {
            http.addCustomizer(new ForwardedRequestCustomizer());
        }
        this.connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(config.bindAddress());
        connector.setPort(config.port());
        connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        server.addConnector(connector);

        this.dispatcher = new Dispatcher(router, authenticator, rateLimiter, config, observer);
        if (front != null) {
            front.setHandler(dispatcher);
            server.setHandler(front);
        } else {
            server.setHandler(dispatcher);
        }
        server.setErrorHandler(dispatcher.new JettyErrors());
    }

    /**
     * Sets who checks X-Matrix signatures on {@link Access#FEDERATION} routes; until set, every such request
     * is refused with 401 M_UNAUTHORIZED. Call before {@link #start()}.
     */
    public MatrixHttpServer federationAuthenticator(FederationAuthenticator authenticator) {
        dispatcher.federationAuthenticator(authenticator);
        return this;
    }

    /**
     * Adds an HTTPS listener on {@code port} (same bind address) serving the same routes, with the key and
     * certificate chain in {@code keyStore} under {@code password}: other homeservers always connect with TLS.
     * Call before {@link #start()}.
     */
    public MatrixHttpServer tlsListener(int port, java.security.KeyStore keyStore, String password) {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(keyStore);
        tls.setKeyStorePassword(password);
        HttpConfiguration https = new HttpConfiguration(http);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // Servers name us by IP literal or by a name the certificate covers; the Host header is not checked
        // against SNI (no SNI at all for an IP literal).
        secure.setSniHostCheck(false);
        https.addCustomizer(secure);
        tlsConnector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"),
                new HttpConnectionFactory(https));
        tlsConnector.setHost(config.bindAddress());
        tlsConnector.setPort(port);
        tlsConnector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        server.addConnector(tlsConnector);
        return this;
    }

    /** The HTTPS listener's bound port, or -1 without one (or before {@link #start()}). */
    public int tlsPort() {
        return tlsConnector == null ? -1 : tlsConnector.getLocalPort();
    }

    /**
     * Starts listening.
     *
     * @return the bound port (the chosen one when the configured port is 0)
     * @throws IOException if the address cannot be bound
     */
    public int start() throws IOException {
        try {
            server.start();
        } catch (IOException e) {
            close();
            throw e;
        } catch (Exception e) {
            close();
            throw new IOException("cannot start the HTTP server on " + config.bindAddress() + ":" + config.port(), e);
        }
        return connector.getLocalPort();
    }

    /** Stops listening and ends in-flight requests. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the HTTP server", e);
        } finally {
            virtualThreads.shutdownNow();
        }
    }
}
