package dev.starling.server.federation;

import dev.starling.protocol.crypto.ServerKeysDocument;
import dev.starling.server.federation.net.Cidr;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How this server federates.
 *
 * @param keyValidity how far ahead our key document's {@code valid_until_ts} lies (at most
 *     {@link ServerKeysDocument#MAX_VALIDITY}, 7 days)
 * @param trustStore a trust store (PKCS12 or JKS) with the CAs whose certificates remote servers may present,
 *     for private CAs; empty (the default): the JDK's trust store
 * @param trustStorePassword the trust store's password ("" for none)
 * @param allowedNetworks networks exempt from the outbound IP blocklist (tests: loopback; a P2P mesh: its
 *     link-local network); empty by default
 * @param connectTimeout how long a TCP+TLS connection may take
 * @param requestTimeout how long a whole outbound request may take
 * @param maxResponseBytes the largest response body read from a remote server
 * @param plaintextHttp {@code http://} instead of {@code https://} for outbound requests: only for tests on
 *     loopback, never settable from the configuration file
 * @param tls an HTTPS listener for other servers (they always connect with TLS); empty: none (a reverse proxy
 *     terminates TLS, or tests over plain HTTP)
 */
public record FederationConfig(Duration keyValidity, Optional<Path> trustStore, String trustStorePassword,
        List<Cidr> allowedNetworks, Duration connectTimeout, Duration requestTimeout, long maxResponseBytes,
        boolean plaintextHttp, Optional<TlsListener> tls) {
    /**
     * An HTTPS listener serving the same routes as the main listener, for federation.
     *
     * @param port the port (the one in the server name, or 8448)
     * @param certificate a PEM file: the server's certificate, then its chain
     * @param privateKey a PEM file: the certificate's private key, unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY})
     */
    public record TlsListener(int port, Path certificate, Path privateKey) {
        public TlsListener {
            Objects.requireNonNull(certificate, "certificate");
            Objects.requireNonNull(privateKey, "privateKey");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("bad TLS port " + port);
            }
        }
    }

    /** As the canonical constructor, without a TLS listener. */
    public FederationConfig(Duration keyValidity, Optional<Path> trustStore, String trustStorePassword,
            List<Cidr> allowedNetworks, Duration connectTimeout, Duration requestTimeout, long maxResponseBytes,
            boolean plaintextHttp) {
        this(keyValidity, trustStore, trustStorePassword, allowedNetworks, connectTimeout, requestTimeout,
                maxResponseBytes, plaintextHttp, Optional.empty());
    }

    /** One day, as Synapse's {@code key_refresh_interval}. */
    public static final Duration DEFAULT_KEY_VALIDITY = Duration.ofDays(1);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /** 16 MiB: far above any key document or transaction answer. */
    public static final long DEFAULT_MAX_RESPONSE_BYTES = 16L * 1024 * 1024;

    public FederationConfig {
        Objects.requireNonNull(keyValidity, "keyValidity");
        Objects.requireNonNull(trustStore, "trustStore");
        Objects.requireNonNull(trustStorePassword, "trustStorePassword");
        allowedNetworks = List.copyOf(allowedNetworks);
        Objects.requireNonNull(tls, "tls");
        if (keyValidity.isNegative() || keyValidity.isZero()
                || keyValidity.compareTo(ServerKeysDocument.MAX_VALIDITY) > 0) {
            throw new IllegalArgumentException("key validity must be positive and at most 7 days, got " + keyValidity);
        }
        if (maxResponseBytes <= 0 || maxResponseBytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("bad response size limit " + maxResponseBytes);
        }
    }

    /** The production defaults: HTTPS with the JDK's trust store, nothing exempt from the blocklist. */
    public static FederationConfig defaults() {
        return new FederationConfig(DEFAULT_KEY_VALIDITY, Optional.empty(), "", List.of(), DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_REQUEST_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, false);
    }

    /** For tests: plain HTTP, loopback allowed, short timeouts. */
    public static FederationConfig loopbackForTests() {
        return new FederationConfig(DEFAULT_KEY_VALIDITY, Optional.empty(), "",
                List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128")), Duration.ofSeconds(5),
                Duration.ofSeconds(10), DEFAULT_MAX_RESPONSE_BYTES, true);
    }

    public FederationConfig withKeyValidity(Duration validity) {
        return new FederationConfig(validity, trustStore, trustStorePassword, allowedNetworks, connectTimeout,
                requestTimeout, maxResponseBytes, plaintextHttp, tls);
    }

    public FederationConfig withTrustStore(Path store, String password) {
        return new FederationConfig(keyValidity, Optional.of(store), password, allowedNetworks, connectTimeout,
                requestTimeout, maxResponseBytes, plaintextHttp, tls);
    }

    public FederationConfig withAllowedNetworks(List<Cidr> networks) {
        return new FederationConfig(keyValidity, trustStore, trustStorePassword, networks, connectTimeout,
                requestTimeout, maxResponseBytes, plaintextHttp, tls);
    }

    public FederationConfig withRequestTimeout(Duration timeout) {
        return new FederationConfig(keyValidity, trustStore, trustStorePassword, allowedNetworks, connectTimeout,
                timeout, maxResponseBytes, plaintextHttp, tls);
    }

    public FederationConfig withMaxResponseBytes(long bytes) {
        return new FederationConfig(keyValidity, trustStore, trustStorePassword, allowedNetworks, connectTimeout,
                requestTimeout, bytes, plaintextHttp, tls);
    }

    public FederationConfig withTls(TlsListener listener) {
        return new FederationConfig(keyValidity, trustStore, trustStorePassword, allowedNetworks, connectTimeout,
                requestTimeout, maxResponseBytes, plaintextHttp, Optional.of(listener));
    }

    /** Outbound requests over HTTPS (the default), e.g. for a test server that talks to a TLS peer. */
    public FederationConfig withHttps() {
        return new FederationConfig(keyValidity, trustStore, trustStorePassword, allowedNetworks, connectTimeout,
                requestTimeout, maxResponseBytes, false, tls);
    }
}
