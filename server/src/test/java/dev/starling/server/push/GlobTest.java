package dev.starling.server.push;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Glob-style matching for push rules: wildcards, case, word boundaries, and linear time (SECURITY.md item 20). */
class GlobTest {
    @ParameterizedTest(name = "{0} ~ \"{1}\" = {2}")
    @CsvSource(delimiter = '|', textBlock = """
            lunc?*        | Lunch plans  | true
            lunc?*        | LUNCH        | true
            lunc?*        | ' lunch'     | false
            lunc?*        | lunc         | false
            m.room.*      | m.room.name  | true
            m.room.*      | m.roomy      | false
            *             | ''           | true
            ''            | ''           | true
            ''            | a            | false
            a*b*c         | aXXbYYc      | true
            a*b*c         | aXXbYYcZ     | false
            ??            | é😀          | true
            ?             | 😀           | true
            """)
    void wholeValueMatches(String pattern, String value, boolean expected) {
        assertThat(Glob.of(pattern).matches(value)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} in \"{1}\" = {2}")
    @CsvSource(delimiter = '|', textBlock = """
            ex*ple   | An example event.          | true
            ex*ple   | exple                      | true
            ex*ple   | An exciting triple-whammy  | true
            alice    | hi alice!                  | true
            alice    | hi alice_                  | false
            alice    | malice                     | false
            alice    | ALICE                      | true
            @room    | hey @room look             | true
            @room    | hey @roomy                 | false
            """)
    void wordMatches(String pattern, String value, boolean expected) {
        assertThat(Glob.of(pattern).matchesWords(value)).isEqualTo(expected);
    }

    @Test
    void aLiteralTreatsWildcardsAsCharacters() {
        assertThat(Glob.literal("a*b").matchesWords("say a*b now")).isTrue();
        assertThat(Glob.literal("a*b").matchesWords("say aXb now")).isFalse();
    }

    @Test
    void aPathologicalPatternStaysLinear() {
        // A backtracking matcher takes exponential time on this; the set simulation is linear in the value.
        String pattern = "*a".repeat(30) + "b";
        String value = "a".repeat(60_000);
        long start = System.nanoTime();
        assertThat(Glob.of(pattern).matches(value)).isFalse();
        assertThat(Glob.of(pattern).matchesWords(value)).isFalse();
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
    }

    /** Kept patterns are compiled once and keep globs and literals apart (a literal {@code *} is no wildcard). */
    @Test
    void keptPatternsAreCompiledOnceAndKeepTheirKind() {
        assertThat(Glob.kept("lunc?*")).isSameAs(Glob.kept("lunc?*"));
        assertThat(Glob.kept("lunc?*").matches("Lunch")).isTrue();
        assertThat(Glob.keptLiteral("a*b").matchesWords("x a*b y")).isTrue();
        assertThat(Glob.keptLiteral("a*b").matchesWords("x axxb y")).isFalse();
        assertThat(Glob.kept("a*b").matchesWords("x axxb y")).isTrue();
    }
}
