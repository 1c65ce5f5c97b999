package dev.starling.protocol.json;

import dev.starling.protocol.ProtocolException;

/** JSON that is not acceptable as Matrix canonical JSON input; {@link #problem()} says why. */
public final class InvalidJsonException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    /** What was wrong with the input. */
    public enum Problem {
        SYNTAX,
        DUPLICATE_KEY,
        FLOAT,
        NEGATIVE_ZERO,
        INTEGER_OUT_OF_RANGE,
        LONE_SURROGATE,
        TOO_DEEP,
        NOT_AN_OBJECT,
        UNSUPPORTED_VALUE
    }

    private final Problem problem;

    public InvalidJsonException(Problem problem, String detail) {
        super(problem + ": " + detail);
        this.problem = problem;
    }

    public InvalidJsonException(Problem problem, String detail, Throwable cause) {
        super(problem + ": " + detail, cause);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
