package dev.starling.protocol.stateres;

import dev.starling.protocol.ProtocolException;

/**
 * State resolution could not run on the input it was given. {@link #problem()} says why; the message names the
 * event concerned. An event that fails the authorization rules is not an error: resolution simply drops it.
 */
public final class StateResolutionException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    /** What was wrong with the input. */
    public enum Problem {
        /** An event named by a state set or an auth chain is not available from the {@link EventProvider}. */
        MISSING_EVENT,
        /** An event belongs to another room than the one being resolved. */
        WRONG_ROOM,
        /** A state set maps a key to an event that is not a state event of that {@code (type, state_key)}. */
        STATE_KEY_MISMATCH,
        /** No state set was given. */
        NO_STATE_SETS
    }

    private final Problem problem;

    public StateResolutionException(Problem problem, String detail) {
        super(problem + ": " + detail);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
