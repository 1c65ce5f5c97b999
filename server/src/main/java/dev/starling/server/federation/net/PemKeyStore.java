package dev.starling.server.federation.net;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A certificate chain and its private key from PEM files (what CAs and {@code openssl} hand out) as an
 * in-memory key store for the federation TLS listener. The key must be unencrypted PKCS#8
 * ({@code -----BEGIN PRIVATE KEY-----}; convert others with {@code openssl pkcs8 -topk8 -nocrypt}), RSA, EC or
 * Ed25519.
 */
public final class PemKeyStore {
    /** The key store's (in-memory only) password. */
    public static final String PASSWORD = "starling";

    private static final Pattern PKCS8 =
            Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private static final List<String> ALGORITHMS = List.of("RSA", "EC", "Ed25519");

    private PemKeyStore() {}

    /** Loads {@code certificate} (leaf first, then its chain) and {@code privateKey}. */
    public static KeyStore load(Path certificate, Path privateKey) throws IOException {
        List<? extends Certificate> chain;
        try (InputStream in = Files.newInputStream(certificate)) {
            chain = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the certificate " + certificate + ": " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new IOException("no certificate in " + certificate);
        }
        Matcher m = PKCS8.matcher(Files.readString(privateKey, StandardCharsets.US_ASCII));
        if (!m.find()) {
            throw new IOException("no unencrypted PKCS#8 key (BEGIN PRIVATE KEY) in " + privateKey
                    + "; convert it with openssl pkcs8 -topk8 -nocrypt");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(m.group(1)));
        PrivateKey key = null;
        for (String algorithm : ALGORITHMS) {
            try {
                key = KeyFactory.getInstance(algorithm).generatePrivate(spec);
                break;
            } catch (GeneralSecurityException wrongAlgorithm) {
                // try the next one
            }
        }
        if (key == null) {
            throw new IOException("the key in " + privateKey + " is not an RSA, EC or Ed25519 PKCS#8 key");
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("federation", key, PASSWORD.toCharArray(), chain.toArray(Certificate[]::new));
            return store;
        } catch (GeneralSecurityException e) {
            throw new IOException("the key in " + privateKey + " does not fit " + certificate + ": " + e.getMessage(), e);
        }
    }
}
