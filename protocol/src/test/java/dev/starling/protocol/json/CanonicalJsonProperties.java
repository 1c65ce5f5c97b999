package dev.starling.protocol.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

class CanonicalJsonProperties {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Any Unicode scalar value: BMP without surrogates plus astral characters, with ASCII and controls weighted up. */
    static Arbitrary<String> strings() {
        Arbitrary<Integer> codePoints = Arbitraries.frequencyOf(List.of(
                w(4, Arbitraries.integers().between(0x20, 0x7E)),
                w(2, Arbitraries.integers().between(0x00, 0x1F)),
                w(1, Arbitraries.of(0x7F, (int) '"', (int) '\\', (int) '/', 0xFEFF, 0xFB33, 0xFFFF, 0xE000, 0xD7FF)),
                w(2, Arbitraries.integers().between(0x80, 0xD7FF)),
                w(2, Arbitraries.integers().between(0xE000, 0xFFFF)),
                w(3, Arbitraries.integers().between(0x10000, 0x10FFFF))));
        return codePoints.list().ofMaxSize(12).map(list -> {
            StringBuilder sb = new StringBuilder();
            list.forEach(sb::appendCodePoint);
            return sb.toString();
        });
    }

    private static <T> Tuple.Tuple2<Integer, Arbitrary<T>> w(int weight, Arbitrary<T> arbitrary) {
        return Tuple.of(weight, arbitrary);
    }

    static Arbitrary<JsonNode> scalars() {
        return Arbitraries.oneOf(
                strings().map(NODES::textNode),
                Arbitraries.longs().between(-CanonicalJson.MAX_SAFE_INTEGER, CanonicalJson.MAX_SAFE_INTEGER).map(NODES::numberNode),
                Arbitraries.of(-CanonicalJson.MAX_SAFE_INTEGER, CanonicalJson.MAX_SAFE_INTEGER, 0L, -1L, 1L).map(NODES::numberNode),
                Arbitraries.of(true, false).map(NODES::booleanNode),
                Arbitraries.just(NODES.nullNode()));
    }

    static Arbitrary<JsonNode> values(int depth) {
        if (depth == 0) {
            return scalars();
        }
        Arbitrary<JsonNode> child = Arbitraries.lazy(() -> values(depth - 1));
        Arbitrary<JsonNode> arrays = child.list().ofMaxSize(4).map(list -> {
            ArrayNode array = NODES.arrayNode();
            list.forEach(array::add);
            return array;
        });
        Arbitrary<JsonNode> objects = Combinators.combine(strings(), child).as(Map::entry).list().ofMaxSize(5).map(entries -> {
            ObjectNode object = NODES.objectNode();
            entries.forEach(e -> object.set(e.getKey(), e.getValue()));
            return object;
        });
        return Arbitraries.frequencyOf(List.of(w(2, scalars()), w(2, arrays), w(3, objects)));
    }

    @Provide
    Arbitrary<JsonNode> trees() {
        return values(4);
    }

    @Provide
    Arbitrary<ObjectNode> objects() {
        return values(3).list().ofMaxSize(6).flatMap(list -> strings().list().ofSize(list.size()).map(keys -> {
            ObjectNode object = NODES.objectNode();
            for (int i = 0; i < list.size(); i++) {
                object.set(keys.get(i), list.get(i));
            }
            return object;
        }));
    }

    @Property(tries = 300)
    void parseOfEncodeGivesBackTheTree(@ForAll("trees") JsonNode tree) {
        assertThat(CanonicalJson.parse(CanonicalJson.encode(tree))).isEqualTo(tree);
        assertThat(CanonicalJson.parse(CanonicalJson.encodeToString(tree))).isEqualTo(tree);
    }

    @Property(tries = 300)
    void encodingIsStable(@ForAll("trees") JsonNode tree) {
        byte[] once = CanonicalJson.encode(tree);
        assertThat(CanonicalJson.encode(CanonicalJson.parse(once))).isEqualTo(once);
    }

    @Property(tries = 300)
    void encodingDoesNotDependOnKeyInsertionOrder(@ForAll("objects") ObjectNode object, @ForAll long seed) {
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(object.properties());
        Collections.shuffle(entries, new Random(seed));
        ObjectNode shuffled = NODES.objectNode();
        entries.forEach(e -> shuffled.set(e.getKey(), e.getValue()));
        assertThat(CanonicalJson.encode(shuffled)).isEqualTo(CanonicalJson.encode(object));
    }

    @Property(tries = 300)
    void outputHasNoWhitespaceOutsideStringsAndOnlyRequiredEscapes(@ForAll("trees") JsonNode tree) {
        String out = CanonicalJson.encodeToString(tree);
        boolean inString = false;
        for (int i = 0; i < out.length(); i++) {
            char c = out.charAt(i);
            if (inString) {
                assertThat(c).as("raw control character inside a string").isGreaterThanOrEqualTo(' ');
                if (c == '\\') {
                    char next = out.charAt(++i);
                    assertThat("\"\\bfnrtu").contains(String.valueOf(next));
                    if (next == 'u') {
                        String hex = out.substring(i + 1, i + 5);
                        assertThat(hex).matches("00[01][0-9a-f]");
                        assertThat(hex).isNotIn("0008", "0009", "000a", "000c", "000d");
                        i += 4;
                    }
                } else if (c == '"') {
                    inString = false;
                }
            } else {
                assertThat(c).as("insignificant whitespace at %d in %s", i, out).isNotIn(' ', '\t', '\n', '\r');
                if (c == '"') {
                    inString = true;
                }
            }
        }
        assertThat(inString).isFalse();
    }

    @Property(tries = 300)
    void keysAppearInCodePointOrder(@ForAll("trees") JsonNode tree) {
        assertKeysSorted(CanonicalJson.parse(CanonicalJson.encode(tree)));
    }

    private static void assertKeysSorted(JsonNode node) {
        if (node.isObject()) {
            List<String> keys = new ArrayList<>();
            node.fieldNames().forEachRemaining(keys::add);
            for (int i = 1; i < keys.size(); i++) {
                int[] a = keys.get(i - 1).codePoints().toArray();
                int[] b = keys.get(i).codePoints().toArray();
                assertThat(java.util.Arrays.compare(a, b)).as("%s before %s", keys.get(i - 1), keys.get(i)).isNegative();
            }
        }
        node.forEach(CanonicalJsonProperties::assertKeysSorted);
    }

    @Property(tries = 1000)
    void compareByCodePointAgreesWithComparingCodePointArrays(@ForAll("keys") String a, @ForAll("keys") String b) {
        int expected = Integer.signum(java.util.Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray()));
        assertThat(Integer.signum(CanonicalJson.compareByCodePoint(a, b))).isEqualTo(expected);
    }

    @Provide
    Arbitrary<String> keys() {
        return strings();
    }

    @Property(tries = 300)
    void encodedBytesAreValidUtf8OfTheSameText(@ForAll("trees") JsonNode tree) {
        byte[] bytes = CanonicalJson.encode(tree);
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertThat(text.getBytes(StandardCharsets.UTF_8)).isEqualTo(bytes);
        assertThat(text).doesNotContain("\uFFFD").doesNotContain("\u0000");
    }
}
