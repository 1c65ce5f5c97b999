package dev.starling.server.storage;

/**
 * A database failure that the caller cannot fix by changing its request: the database is unreachable, a
 * statement failed, a migration failed. The HTTP layer answers it with 500 {@code M_UNKNOWN} and logs it.
 * Expected outcomes (a user ID already taken...) have their own exception types in the stores' packages.
 */
public class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    public StorageException(String message) {
        super(message);
    }
}
