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

    /**
     * The string search that matches a pattern without wildcards answers as the simulation does, on random
     * patterns and values over word and non-word characters, case, a pair of surrogates and a lone one.
     */
    @Test
    void aLiteralPatternsSearchAgreesWithTheSimulation() {
        String[] alphabet = {"a", "B", "b", "_", "1", " ", "-", "@", "É", "é", "😀", "\uD83D", "*", "?"};
        java.util.Random random = new java.util.Random(20261125);
        int literals = 0;
        for (int i = 0; i < 50_000; i++) {
            String pattern = randomText(random, alphabet, 1 + random.nextInt(3));
            String value = randomText(random, alphabet, random.nextInt(12));
            for (Glob glob : new Glob[] {Glob.of(pattern), Glob.literal(pattern)}) {
                assertThat(glob.matchesWords(value)).as("%s in \"%s\"", pattern, value)
                        .isEqualTo(glob.simulate(value, true));
                assertThat(glob.matches(value)).as("%s ~ \"%s\"", pattern, value)
                        .isEqualTo(glob.simulate(value, false));
            }
            literals += pattern.contains("*") || pattern.contains("?") ? 0 : 1;
        }
        assertThat(literals).as("patterns without wildcards tried").isGreaterThan(10_000);
    }

    private static String randomText(java.util.Random random, String[] alphabet, int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append(alphabet[random.nextInt(alphabet.length)]);
        }
        return text.toString();
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
