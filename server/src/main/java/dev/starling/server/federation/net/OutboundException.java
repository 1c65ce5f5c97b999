package dev.starling.server.federation.net;

/** An outbound request that got no usable answer: why, in a form safe to log. */
public final class OutboundException extends RuntimeException {
    /** What went wrong. */
    public enum Problem { BLOCKED, UNREACHABLE, TIMEOUT, TOO_LARGE, BAD_RESPONSE }

    private final Problem problem;

    public OutboundException(Problem problem, String message, Throwable cause) {
        super(message, cause);
        this.problem = problem;
    }

    public OutboundException(Problem problem, String message) {
        this(problem, message, null);
    }

    public Problem problem() {
        return problem;
    }
}
