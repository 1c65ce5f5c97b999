package dev.starling.server.push;

import java.util.Locale;

/**
 * Glob-style matching (Appendices § Glob-style matching: {@code *} any run of characters, {@code ?} exactly one),
 * case-insensitive, in time linear in the value's length: the pattern is simulated as a set of active positions
 * (a bit set) advanced once per character, with no backtracking, so no pattern makes a match explode
 * (SECURITY.md item 20). Characters are Unicode code points. Immutable and thread-safe.
 */
public final class Glob {
    private final int[] pattern; // code points; STAR and ANY for the wildcards
    /**
     * The lower-cased pattern when it has no wildcard, is not empty and holds no lone surrogate (which a string
     * search could find inside a pair): matched with a string search, the same answer as the simulation.
     */
    private final String literal;
    private static final int STAR = -1;
    private static final int ANY = -2;

    private Glob(int[] pattern) {
        this.pattern = pattern;
        boolean wild = pattern.length == 0;
        for (int cp : pattern) {
            wild |= cp == STAR || cp == ANY || Character.isSurrogate((char) cp) && cp <= Character.MAX_VALUE;
        }
        this.literal = wild ? null : new String(pattern, 0, pattern.length);
    }

    /** Compiled patterns kept, at most; all are dropped when full. */
    static final int MAX_KEPT = 4_096;
    private static final java.util.concurrent.ConcurrentHashMap<String, Glob> KEPT_GLOBS =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.util.concurrent.ConcurrentHashMap<String, Glob> KEPT_LITERALS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** As {@link #of}, compiled once per pattern (push rules evaluate the same few patterns for every event). */
    public static Glob kept(String pattern) {
        return kept(KEPT_GLOBS, pattern, Glob::of);
    }

    /** As {@link #literal}, compiled once per text. */
    public static Glob keptLiteral(String text) {
        return kept(KEPT_LITERALS, text, Glob::literal);
    }

    private static Glob kept(java.util.concurrent.ConcurrentHashMap<String, Glob> map, String key,
            java.util.function.Function<String, Glob> compile) {
        Glob glob = map.get(key);
        if (glob == null) {
            if (map.size() >= MAX_KEPT) {
                map.clear();
            }
            glob = compile.apply(key);
            map.put(key, glob);
        }
        return glob;
    }

    /** A glob pattern: {@code *} and {@code ?} are wildcards. */
    public static Glob of(String pattern) {
        return new Glob(lower(pattern).codePoints().map(cp -> cp == '*' ? STAR : cp == '?' ? ANY : cp).toArray());
    }

    /** A pattern where every character stands for itself (a display name, which may hold {@code *}). */
    public static Glob literal(String text) {
        return new Glob(lower(text).codePoints().toArray());
    }

    /** Whether the pattern matches the whole of {@code value}. */
    public boolean matches(String value) {
        return literal != null ? lower(value).equals(literal) : simulate(value, false);
    }

    /**
     * Whether the pattern matches a substring of {@code value} that starts and ends at a word boundary: the start
     * or end of the value, or next to a character not in {@code [A-Za-z0-9_]} (how push rules match
     * {@code content.body}).
     */
    public boolean matchesWords(String value) {
        return literal != null ? literalWords(lower(value)) : simulate(value, true);
    }

    /**
     * The literal pattern found in {@code text} (lower-cased) between word boundaries. The word characters are
     * ASCII, so a boundary is tested on the UTF-16 unit beside the match: a surrogate is never one.
     */
    private boolean literalWords(String text) {
        for (int at = text.indexOf(literal); at >= 0; at = text.indexOf(literal, at + 1)) {
            int end = at + literal.length();
            if ((at == 0 || !word(text.charAt(at - 1))) && (end == text.length() || !word(text.charAt(end)))) {
                return true;
            }
        }
        return false;
    }

    /** The match by simulating the pattern, whatever it is ({@link #matches}, {@link #matchesWords}; tests). */
    boolean simulate(String value, boolean words) {
        return run(lower(value).codePoints().toArray(), words);
    }

    private boolean run(int[] text, boolean words) {
        int n = pattern.length;
        long[] active = new long[(n + 1 + 63) / 64];
        long[] next = new long[active.length];
        if (!words) {
            set(active, 0);
        }
        for (int i = 0; i <= text.length; i++) {
            if (words && (i == 0 || !word(text[i - 1]))) {
                set(active, 0); // a match may start here
            }
            closeStars(active);
            boolean atEnd = i == text.length;
            if (get(active, n) && (words ? atEnd || !word(text[i]) : atEnd)) {
                return true;
            }
            if (atEnd) {
                return false;
            }
            java.util.Arrays.fill(next, 0);
            int ch = text[i];
            boolean any = false;
            for (int p = 0; p < n; p++) {
                if (get(active, p)) {
                    int want = pattern[p];
                    if (want == STAR) {
                        set(next, p);
                        any = true;
                    } else if (want == ANY || want == ch) {
                        set(next, p + 1);
                        any = true;
                    }
                }
            }
            long[] swap = active;
            active = next;
            next = swap;
            if (!any && !words) {
                return false;
            }
        }
        return false;
    }

    /** A star may match nothing: a position before a star also activates the position after it. */
    private void closeStars(long[] active) {
        for (int p = 0; p < pattern.length; p++) {
            if (pattern[p] == STAR && get(active, p)) {
                set(active, p + 1);
            }
        }
    }

    private static boolean word(int ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    private static void set(long[] bits, int i) {
        bits[i >>> 6] |= 1L << (i & 63);
    }

    private static boolean get(long[] bits, int i) {
        return (bits[i >>> 6] & (1L << (i & 63))) != 0;
    }
}
