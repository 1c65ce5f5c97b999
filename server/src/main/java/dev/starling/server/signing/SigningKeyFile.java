package dev.starling.server.signing;

import dev.starling.protocol.crypto.KeyFormatException;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.KeyId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;

/**
 * The server's signing key on disk, in Synapse's format so that keys can move between servers: one line
 * {@code ed25519 <version> <seed in unpadded standard base64>}, where the key ID is {@code ed25519:<version>}.
 * The file is created with mode 600 where the file system has POSIX permissions.
 */
public final class SigningKeyFile {
    /** The file's name inside the data directory. */
    public static final String FILE_NAME = "signing.key";
    private static final String ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private SigningKeyFile() {}

    /**
     * Loads the key in {@code dataDir/signing.key}, or generates one there if the file does not exist.
     *
     * @throws SigningKeyFileException if the file cannot be read or written, or does not hold exactly one
     *     well-formed Ed25519 key line
     */
    public static SigningKey loadOrGenerate(Path dataDir, SecureRandom random) {
        Path file = dataDir.resolve(FILE_NAME);
        if (Files.exists(file)) {
            return load(file);
        }
        SigningKey key = SigningKey.generate(KeyId.ed25519("a_" + randomVersion(random)), random);
        write(file, key);
        return key;
    }

    /** Reads a key file; see {@link #loadOrGenerate} for the format and errors. */
    public static SigningKey load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new SigningKeyFileException(file, "cannot read: " + e.getMessage(), e);
        }
        if (lines.size() != 1) {
            throw new SigningKeyFileException(file, "expected one key line, found " + lines.size(), null);
        }
        String[] parts = lines.get(0).trim().split(" ");
        if (parts.length != 3) {
            throw new SigningKeyFileException(file, "expected 'ed25519 <version> <base64 seed>'", null);
        }
        if (!parts[0].equals("ed25519")) {
            throw new SigningKeyFileException(file, "unsupported key algorithm '" + parts[0] + "'", null);
        }
        try {
            return SigningKey.fromSeedBase64(KeyId.ed25519(parts[1]), parts[2]);
        } catch (InvalidIdentifierException e) {
            throw new SigningKeyFileException(file, "bad key version: " + e.getMessage(), e);
        } catch (KeyFormatException e) {
            // The message names the key ID and the problem, not the seed.
            throw new SigningKeyFileException(file, "bad seed: " + e.getMessage(), e);
        }
    }

    /** Writes the key atomically with mode 600; refuses to replace an existing file. */
    static void write(Path file, SigningKey key) {
        String line = "ed25519 " + key.keyId().identifier() + " " + key.seedBase64() + "\n";
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path temp = file.resolveSibling(FILE_NAME + ".tmp");
            Files.deleteIfExists(temp);
            if (Files.getFileStore(file.toAbsolutePath().getParent()).supportsFileAttributeView("posix")) {
                Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(temp);
            }
            Files.writeString(temp, line, StandardCharsets.UTF_8);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file);
            }
        } catch (FileAlreadyExistsException e) {
            throw new SigningKeyFileException(file, "already exists", e);
        } catch (IOException e) {
            throw new SigningKeyFileException(file, "cannot write: " + e.getMessage(), e);
        }
    }

    private static String randomVersion(SecureRandom random) {
        StringBuilder version = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            version.append(ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length())));
        }
        return version.toString();
    }
}
