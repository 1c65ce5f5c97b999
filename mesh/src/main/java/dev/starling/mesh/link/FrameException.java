package dev.starling.mesh.link;

import java.io.IOException;

/** A frame that breaks the link protocol: oversized, malformed, unknown type. The link is closed. */
public final class FrameException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What was wrong, for logs and metrics. */
    public enum Problem { OVERSIZED, TOO_SHORT, UNKNOWN_TYPE, MALFORMED }

    private final Problem problem;

    public FrameException(Problem problem, String message) {
        super(message);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
