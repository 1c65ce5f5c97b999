package dev.starling.protocol;

/**
 * Base of every error the protocol library raises for bad input. Each subclass names the problem precisely
 * (a {@code Problem} enum or typed fields) so that callers can map it to a Matrix {@code errcode} in one place.
 * Messages never contain key material.
 */
public abstract class ProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected ProtocolException(String message) {
        super(message);
    }

    protected ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
