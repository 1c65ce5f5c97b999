package dev.starling.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.crypto.VerifyKey;
import dev.starling.protocol.rooms.RoomVersion;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Ed25519 in the JDK ({@code java.security.Signature "Ed25519"}, SunEC) against BouncyCastle, on the same key
 * and the same message: the bytes a typical event's signature covers ({@link TypicalEvent}, room version 11).
 * DESIGN claims BouncyCastle is about 8× faster; compare the scores of one run side by side.
 *
 * <p>{@code bcVerify} and {@code bcSign} are the paths Starling uses ({@link VerifyKey#verify} and {@code SigningKey.sign},
 * which build an {@link Ed25519Signer} per call); {@code bcVerifyRaw} is BouncyCastle's low-level static verify. The JDK
 * {@link Signature} objects are built once and re-initialised per operation, the JDK's cheapest usage.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Thread)
public class Ed25519Benchmark {
    /** DER prefixes of an Ed25519 SubjectPublicKeyInfo and PKCS#8 PrivateKeyInfo (RFC 8410), before the raw key. */
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final byte[] PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");

    private byte[] message;
    private byte[] signature;
    private byte[] publicKey;
    private VerifyKey verifyKey;
    private Signature jdkVerifier;
    private Signature jdkSigner;
    private PublicKey jdkPublic;
    private PrivateKey jdkPrivate;

    @Setup
    public void setUp() throws GeneralSecurityException {
        RoomVersion version = RoomVersion.V11;
        ObjectNode event = TypicalEvent.signedEvent(version);
        message = TypicalEvent.signingBytes(event, version);
        String sig = event.get("signatures").get(TypicalEvent.SERVER.value())
                .get(TypicalEvent.KEY.keyId().toString()).textValue();
        signature = Base64.getDecoder().decode(sig);
        verifyKey = TypicalEvent.KEY.verifyKey();
        publicKey = verifyKey.publicKey();

        KeyFactory factory = KeyFactory.getInstance("Ed25519");
        jdkPublic = factory.generatePublic(new X509EncodedKeySpec(concat(X509_PREFIX, publicKey)));
        jdkPrivate = factory.generatePrivate(new PKCS8EncodedKeySpec(concat(PKCS8_PREFIX, TypicalEvent.seed())));
        jdkVerifier = Signature.getInstance("Ed25519");
        jdkSigner = Signature.getInstance("Ed25519");

        // Both implementations must agree, and the verifies must measure the accepting path.
        if (!verifyKey.verify(message, signature) || !bcVerifyRaw() || !jdkVerify()) {
            throw new IllegalStateException("the event's signature does not verify over the signing bytes");
        }
        if (!Arrays.equals(jdkSign(), signature) || !Arrays.equals(bcSign(), signature)) {
            throw new IllegalStateException("the JDK and BouncyCastle sign differently (Ed25519 is deterministic)");
        }
        System.out.println("Ed25519 message: " + message.length + " bytes; JDK provider: "
                + jdkVerifier.getProvider().getName());
    }

    @Benchmark
    public boolean jdkVerify() throws GeneralSecurityException {
        jdkVerifier.initVerify(jdkPublic);
        jdkVerifier.update(message);
        return jdkVerifier.verify(signature);
    }

    @Benchmark
    public boolean bcVerify() {
        return verifyKey.verify(message, signature);
    }

    @Benchmark
    public boolean bcVerifyRaw() {
        return Ed25519.verify(signature, 0, publicKey, 0, message, 0, message.length);
    }

    @Benchmark
    public byte[] jdkSign() throws GeneralSecurityException {
        jdkSigner.initSign(jdkPrivate);
        jdkSigner.update(message);
        return jdkSigner.sign();
    }

    @Benchmark
    public byte[] bcSign() {
        return TypicalEvent.KEY.sign(message);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
