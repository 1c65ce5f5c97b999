package dev.starling.server.users;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Hashes passwords with Argon2id (SECURITY item 24) and checks them in constant time. Hashes are stored in the
 * PHC string format ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}), so the cost can be raised later while
 * old hashes still verify with the parameters they were made with.
 */
public final class PasswordHasher {
    /** The cost OWASP recommends for Argon2id as a minimum: 19 MiB, 2 passes, 1 lane. */
    public static final Cost DEFAULT_COST = new Cost(19_456, 2, 1);
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    /** Argon2 cost parameters: memory in KiB, passes, lanes. */
    public record Cost(int memoryKiB, int iterations, int parallelism) {
        public Cost {
            if (memoryKiB < 8 * parallelism || iterations < 1 || parallelism < 1) {
                throw new IllegalArgumentException("Argon2 needs memory >= 8 KiB per lane, >= 1 pass and >= 1 lane");
            }
        }
    }

    private final Cost cost;
    private final SecureRandom random;

    public PasswordHasher(Cost cost, SecureRandom random) {
        this.cost = cost;
        this.random = random;
    }

    public static PasswordHasher withDefaultCost() {
        return new PasswordHasher(DEFAULT_COST, new SecureRandom());
    }

    /** Hashes a password with a fresh salt. */
    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = derive(password, salt, cost, HASH_BYTES);
        return "$argon2id$v=19$m=" + cost.memoryKiB() + ",t=" + cost.iterations() + ",p=" + cost.parallelism()
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /** True when the password matches the stored hash; a malformed stored hash never matches. */
    public boolean verify(String password, String stored) {
        String[] parts = stored.split("\\$");
        // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
        if (parts.length != 6 || !parts[0].isEmpty() || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) {
            return false;
        }
        Cost storedCost;
        byte[] salt;
        byte[] expected;
        try {
            String[] params = parts[3].split(",");
            if (params.length != 3 || !params[0].startsWith("m=") || !params[1].startsWith("t=") || !params[2].startsWith("p=")) {
                return false;
            }
            storedCost = new Cost(Integer.parseInt(params[0].substring(2)), Integer.parseInt(params[1].substring(2)),
                    Integer.parseInt(params[2].substring(2)));
            salt = B64D.decode(parts[4]);
            expected = B64D.decode(parts[5]);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (expected.length < 16 || salt.length < 8) {
            return false;
        }
        byte[] actual = derive(password, salt, storedCost, expected.length);
        boolean same = MessageDigest.isEqual(actual, expected);
        Arrays.fill(actual, (byte) 0);
        return same;
    }

    /** True when a stored hash was made with a lower cost than the current one and should be replaced. */
    public boolean needsRehash(String stored) {
        return !stored.startsWith("$argon2id$v=19$m=" + cost.memoryKiB() + ",t=" + cost.iterations() + ",p="
                + cost.parallelism() + "$");
    }

    private static byte[] derive(String password, byte[] salt, Cost cost, int length) {
        Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(cost.memoryKiB())
                .withIterations(cost.iterations())
                .withParallelism(cost.parallelism())
                .withSalt(salt)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters);
        byte[] secret = password.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[length];
        generator.generateBytes(secret, out);
        Arrays.fill(secret, (byte) 0);
        return out;
    }

    @Override
    public String toString() {
        return "PasswordHasher[argon2id " + cost + "]";
    }
}
