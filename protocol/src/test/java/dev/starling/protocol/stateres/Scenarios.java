package dev.starling.protocol.stateres;

/** Which authorization rules the scenario tests run against. */
final class Scenarios {
    private Scenarios() {}

    /**
     * The real {@code AuthRules.check}, unless the system property {@code stateres.miniAuth=true} selects the
     * test-only {@link MiniAuthRules} (useful while the real rules are unfinished).
     */
    static AuthCheck rules() {
        return Boolean.getBoolean("stateres.miniAuth") ? MiniAuthRules.INSTANCE : AuthCheck.RULES;
    }
}
