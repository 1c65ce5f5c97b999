package dev.starling.protocol.events;

import dev.starling.protocol.ProtocolException;

/** A PDU that is not well-formed for its room version; {@link #problem()} names the rule it breaks. */
public final class InvalidEventException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    /** The format rule an event broke. */
    public enum Problem {
        MISSING_FIELD,
        WRONG_TYPE,
        TOO_LARGE,
        FIELD_TOO_LONG,
        TOO_MANY_PREV_EVENTS,
        TOO_MANY_AUTH_EVENTS,
        DEPTH_OUT_OF_RANGE,
        BAD_IDENTIFIER,
        FORBIDDEN_FIELD,
        BAD_HASH
    }

    private final Problem problem;

    public InvalidEventException(Problem problem, String detail) {
        super(problem + ": " + detail);
        this.problem = problem;
    }

    public InvalidEventException(Problem problem, String detail, Throwable cause) {
        super(problem + ": " + detail, cause);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
