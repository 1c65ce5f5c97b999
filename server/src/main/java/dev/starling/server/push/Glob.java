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
    private static final int STAR = -1;
    private static final int ANY = -2;

    private Glob(int[] pattern) {
        this.pattern = pattern;
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
        return run(lower(value).codePoints().toArray(), false);
    }

    /**
     * Whether the pattern matches a substring of {@code value} that starts and ends at a word boundary: the start
     * or end of the value, or next to a character not in {@code [A-Za-z0-9_]} (how push rules match
     * {@code content.body}).
     */
    public boolean matchesWords(String value) {
        return run(lower(value).codePoints().toArray(), true);
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
