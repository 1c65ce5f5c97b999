package dev.starling.server.federation.net;

import dev.starling.server.federation.FederationConfig;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The one HTTP client for outbound server-to-server traffic (federation, key fetches, {@code .well-known}):
 * Jetty's client with the {@link IpBlocklist} applied by its address resolver on every connection and every
 * redirect, TLS with the JDK's trust store or a configured one (hostname verification on), a connect and a
 * total timeout, and a cap on the response body. Thread-safe; one per server.
 *
 * <p>The client starts on a thread of its own (reading the trust store, ~100 ms, is off a server start's
 * critical path): requests and {@link #awaitStarted()} wait for it.
 */
public final class OutboundHttp implements AutoCloseable {
    /** An answer: status, the headers the callers need, and the body (at most the limit asked for). */
    public record Response(int status, Map<String, String> headers, byte[] body) {
        /** The first value of a header, case-insensitively, or null. */
        public String header(String name) {
            for (Map.Entry<String, String> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue();
                }
            }
            return null;
        }
    }

    private final CompletableFuture<HttpClient> client;
    private final FederationConfig config;

    public OutboundHttp(FederationConfig config) {
        this(config, null);
    }

    /** With another name lookup (tests map names to chosen addresses; the blocklist still applies). */
    public OutboundHttp(FederationConfig config, Function<String, InetAddress[]> dns) {
        this.config = config;
        IpBlocklist blocklist = IpBlocklist.allowing(config.allowedNetworks());
        this.client = CompletableFuture.supplyAsync(() -> start(config, blocklist, dns),
                task -> Thread.ofPlatform().daemon().name("federation-client-start").start(task));
    }

    private static HttpClient start(FederationConfig config, IpBlocklist blocklist,
            Function<String, InetAddress[]> dns) {
        SslContextFactory.Client tls = new SslContextFactory.Client();
        tls.setEndpointIdentificationAlgorithm("HTTPS");
        config.trustStore().ifPresent(store -> {
            tls.setTrustStorePath(store.toString());
            tls.setTrustStorePassword(config.trustStorePassword());
        });
        HttpClient jetty = new HttpClient();
        jetty.setSslContextFactory(tls);
        jetty.setSocketAddressResolver(dns == null ? new BlocklistResolver(blocklist)
                : new BlocklistResolver(blocklist, dns));
        jetty.setConnectTimeout(config.connectTimeout().toMillis());
        jetty.setFollowRedirects(false);
        jetty.setMaxRedirects(5);
        jetty.setUserAgentField(new org.eclipse.jetty.http.HttpField("User-Agent", "Starling"));
        return start(jetty);
    }

    private static HttpClient start(HttpClient jetty) {
        try {
            jetty.start();
            // A 401 from a Matrix server carries no WWW-Authenticate challenge; Jetty's HTTP authentication
            // handlers would turn it into a protocol violation instead of handing it back (errcode and all).
            jetty.getProtocolHandlers().remove(org.eclipse.jetty.client.WWWAuthenticationProtocolHandler.NAME);
            jetty.getProtocolHandlers().remove(org.eclipse.jetty.client.ProxyAuthenticationProtocolHandler.NAME);
            return jetty;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the federation HTTP client: " + e.getMessage(), e);
        }
    }

    /**
     * Waits until the client has started.
     *
     * @throws IllegalStateException if it cannot start (e.g. the configured trust store cannot be read)
     */
    public void awaitStarted() {
        started();
    }

    private HttpClient started() {
        try {
            return client.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof IllegalStateException cannotStart ? cannotStart
                    : new IllegalStateException("cannot start the federation HTTP client", e.getCause());
        }
    }

    /** {@code https}, or {@code http} when configured for loopback tests. */
    public String scheme() {
        return config.plaintextHttp() ? "http" : "https";
    }

    /**
     * Sends a request and reads the answer.
     *
     * @param headers extra request headers (e.g. {@code Authorization}); {@code Host} comes from {@code uri}
     * @param body a JSON body, or null for none
     * @param maxBytes the largest body accepted (at most the configured limit)
     * @param timeout the time for the whole exchange (at most the configured request timeout)
     * @param followRedirects whether to follow up to 5 redirects (each target is resolved and checked again)
     * @throws OutboundException when there is no answer within the limits
     */
    public Response send(String method, URI uri, Map<String, String> headers, byte[] body, long maxBytes,
            Duration timeout, boolean followRedirects) {
        long limit = Math.min(maxBytes, config.maxResponseBytes());
        Duration total = timeout.compareTo(config.requestTimeout()) < 0 ? timeout : config.requestTimeout();
        Request request = started().newRequest(uri).method(method).followRedirects(followRedirects)
                .timeout(total.toMillis(), TimeUnit.MILLISECONDS);
        request.headers(h -> headers.forEach(h::put));
        if (body != null) {
            request.body(new BytesRequestContent("application/json", body));
        }
        ContentResponse response;
        try {
            response = new CompletableResponseListener(request, (int) limit).send()
                    .get(total.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OutboundException(OutboundException.Problem.UNREACHABLE, "interrupted", e);
        } catch (TimeoutException e) {
            request.abort(e);
            throw new OutboundException(OutboundException.Problem.TIMEOUT, "no answer from " + uri.getHost()
                    + " within " + total.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw classify(uri, e.getCause() == null ? e : e.getCause());
        }
        Map<String, String> answerHeaders = new java.util.LinkedHashMap<>();
        response.getHeaders().forEach(f -> answerHeaders.putIfAbsent(f.getName(), f.getValue()));
        return new Response(response.getStatus(), answerHeaders, response.getContent());
    }

    private static OutboundException classify(URI uri, Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof BlockedAddressException) {
                return new OutboundException(OutboundException.Problem.BLOCKED, t.getMessage(), cause);
            }
            if (t instanceof TimeoutException || t instanceof java.net.SocketTimeoutException) {
                return new OutboundException(OutboundException.Problem.TIMEOUT, "no answer from " + uri.getHost()
                        + " in time", cause);
            }
            String message = String.valueOf(t.getMessage());
            if (t instanceof IllegalArgumentException && message.startsWith("Buffering capacity")) {
                return new OutboundException(OutboundException.Problem.TOO_LARGE, "the answer of " + uri.getHost()
                        + " is too large", cause);
            }
        }
        return new OutboundException(OutboundException.Problem.UNREACHABLE, "cannot reach " + uri.getHost() + ": "
                + cause, cause);
    }

    @Override
    public void close() {
        HttpClient jetty;
        try {
            jetty = client.join();
        } catch (CompletionException neverStarted) {
            return;
        }
        try {
            jetty.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the federation HTTP client", e);
        }
    }
}
