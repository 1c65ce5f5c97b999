package dev.starling.mesh.exchange;

/** A request over the mesh got no usable answer: unreachable node, timeout, answer too large, closed. */
public final class ExchangeException extends Exception {
    public ExchangeException(String message) {
        super(message);
    }

    public ExchangeException(String message, Throwable cause) {
        super(message, cause);
    }
}
