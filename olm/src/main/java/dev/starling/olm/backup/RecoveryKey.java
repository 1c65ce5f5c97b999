package dev.starling.olm.backup;

import dev.starling.olm.backup.BackupException.Problem;
import dev.starling.olm.crypto.Secrets;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * The recovery key encoding (spec: "Recovery key"): {@code 0x8B 0x01 | 32-byte private key | parity}, the
 * parity byte being the XOR of all bytes before it, encoded in base58 (the Bitcoin alphabet) and shown in
 * groups of 4 characters separated by spaces. Decoding ignores whitespace.
 */
public final class RecoveryKey {
    private static final String ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private static final BigInteger BASE = BigInteger.valueOf(58);
    private static final int KEY_BYTES = 32;
    private static final int ENCODED_BYTES = 2 + KEY_BYTES + 1;
    private static final int MAX_CHARS = 128;

    private RecoveryKey() {
    }

    /** The recovery key of a 32-byte private key, spaced in groups of 4. */
    public static String encode(byte[] privateKey) {
        Secrets.requireLength(privateKey, KEY_BYTES, "a backup private key");
        byte[] bytes = new byte[ENCODED_BYTES];
        bytes[0] = (byte) 0x8B;
        bytes[1] = 0x01;
        System.arraycopy(privateKey, 0, bytes, 2, KEY_BYTES);
        byte parity = 0;
        for (int i = 0; i < ENCODED_BYTES - 1; i++) {
            parity ^= bytes[i];
        }
        bytes[ENCODED_BYTES - 1] = parity;
        String plain = base58(bytes);
        Secrets.wipe(bytes);
        StringBuilder spaced = new StringBuilder();
        for (int i = 0; i < plain.length(); i += 4) {
            if (i > 0) {
                spaced.append(' ');
            }
            spaced.append(plain, i, Math.min(plain.length(), i + 4));
        }
        return spaced.toString();
    }

    /**
     * The 32-byte private key of a recovery key.
     *
     * @throws BackupException {@code MALFORMED_BASE64} (not base58), {@code BAD_RECOVERY_KEY} (prefix or
     *     length) or {@code BAD_PARITY}
     */
    public static byte[] decode(String recoveryKey) {
        if (recoveryKey == null || recoveryKey.length() > MAX_CHARS) {
            throw new BackupException(Problem.BAD_RECOVERY_KEY, "the recovery key is missing or too long");
        }
        String plain = recoveryKey.replaceAll("\\s+", "");
        byte[] bytes = unbase58(plain);
        try {
            if (bytes.length != ENCODED_BYTES || (bytes[0] & 0xFF) != 0x8B || bytes[1] != 0x01) {
                throw new BackupException(Problem.BAD_RECOVERY_KEY,
                        "the recovery key does not have the 0x8B 0x01 prefix and 35 bytes");
            }
            byte parity = 0;
            for (byte b : bytes) {
                parity ^= b;
            }
            if (parity != 0) {
                throw new BackupException(Problem.BAD_PARITY, "the recovery key's parity byte does not match");
            }
            return Arrays.copyOfRange(bytes, 2, 2 + KEY_BYTES);
        } finally {
            Secrets.wipe(bytes);
        }
    }

    static String base58(byte[] bytes) {
        BigInteger value = new BigInteger(1, bytes);
        StringBuilder out = new StringBuilder();
        while (value.signum() > 0) {
            BigInteger[] qr = value.divideAndRemainder(BASE);
            out.append(ALPHABET.charAt(qr[1].intValue()));
            value = qr[0];
        }
        for (int i = 0; i < bytes.length && bytes[i] == 0; i++) {
            out.append(ALPHABET.charAt(0));
        }
        return out.reverse().toString();
    }

    static byte[] unbase58(String text) {
        BigInteger value = BigInteger.ZERO;
        int leadingZeros = 0;
        boolean leading = true;
        for (int i = 0; i < text.length(); i++) {
            int digit = ALPHABET.indexOf(text.charAt(i));
            if (digit < 0) {
                throw new BackupException(Problem.MALFORMED_BASE64, "the recovery key has a character outside base58");
            }
            if (leading && digit == 0) {
                leadingZeros++;
            } else {
                leading = false;
            }
            value = value.multiply(BASE).add(BigInteger.valueOf(digit));
        }
        byte[] magnitude = value.signum() == 0 ? new byte[0] : value.toByteArray();
        int skip = magnitude.length > 0 && magnitude[0] == 0 ? 1 : 0;
        byte[] out = new byte[leadingZeros + magnitude.length - skip];
        System.arraycopy(magnitude, skip, out, leadingZeros, magnitude.length - skip);
        Secrets.wipe(magnitude);
        return out;
    }
}
