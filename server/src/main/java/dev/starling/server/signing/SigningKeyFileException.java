package dev.starling.server.signing;

import java.nio.file.Path;

/**
 * The signing key file cannot be read, written or understood. The message names the file and the problem,
 * never the key material.
 */
public final class SigningKeyFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    SigningKeyFileException(Path file, String problem, Throwable cause) {
        super("signing key file " + file + ": " + problem, cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
