package dev.starling.protocol.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.FloatNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.starling.protocol.json.InvalidJsonException.Problem;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalJsonTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    static String canonical(String json) {
        return new String(CanonicalJson.canonicalize(json), StandardCharsets.UTF_8);
    }

    static void assertRefused(String json, Problem problem) {
        assertThatThrownBy(() -> CanonicalJson.parse(json))
                .isInstanceOfSatisfying(InvalidJsonException.class, e -> assertThat(e.problem()).isEqualTo(problem));
        assertThatThrownBy(() -> CanonicalJson.parse(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(InvalidJsonException.class, e -> assertThat(e.problem()).isEqualTo(problem));
    }

    static void assertRefusedBytes(byte[] utf8, Problem problem) {
        assertThatThrownBy(() -> CanonicalJson.parse(utf8))
                .isInstanceOfSatisfying(InvalidJsonException.class, e -> assertThat(e.problem()).isEqualTo(problem));
    }

    static void assertEncodeRefused(JsonNode node, Problem problem) {
        assertThatThrownBy(() -> CanonicalJson.encode(node))
                .isInstanceOfSatisfying(InvalidJsonException.class, e -> assertThat(e.problem()).isEqualTo(problem));
    }

    static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    @Nested
    class KeyOrder {
        @Test
        void sortsKeysByCodePointNotByUtf16CodeUnit() {
            // U+FB33 is one UTF-16 unit 0xFB33; U+1F600 is the pair D83D DE00, which String.compareTo puts first.
            assertThat("😀".compareTo("\uFB33")).isNegative();
            assertThat(canonical("{\"😀\":1,\"\uFB33\":1}")).isEqualTo("{\"\uFB33\":1,\"😀\":1}");
            assertThat(canonical("{\"\uFB33\":1,\"😀\":1}")).isEqualTo("{\"\uFB33\":1,\"😀\":1}");
        }

        @Test
        void sortsKeysInTheSpecExampleOrder() {
            assertThat(canonical("{\"b\":\"2\",\"a\":\"1\"}")).isEqualTo("{\"a\":\"1\",\"b\":\"2\"}");
            assertThat(canonical("{\"a\":1,\"A\":2,\"aa\":3,\"\":4,\"é\":5}"))
                    .isEqualTo("{\"\":4,\"A\":2,\"a\":1,\"aa\":3,\"é\":5}");
        }

        @Test
        void sortsNestedObjectKeysToo() {
            assertThat(canonical("{\"z\":{\"y\":1,\"x\":[{\"d\":1,\"c\":2}]},\"a\":null}"))
                    .isEqualTo("{\"a\":null,\"z\":{\"x\":[{\"c\":2,\"d\":1}],\"y\":1}}");
        }

        @Test
        void keepsArrayOrder() {
            assertThat(canonical("[3,1,2]")).isEqualTo("[3,1,2]");
        }

        @ParameterizedTest
        @CsvSource({
            "a, b, -1",
            "b, a, 1",
            "a, a, 0",
            "a, aa, -1",
            "\uFB33, 😀, -1",
            "😀, \uFB33, 1",
            "\uE000, 😀, -1",
            "\uFFFF, 😀, -1",
            "😀, 😁, -1",
            "\uD7FF, \uE000, -1",
            "\uD7FF, 😀, -1",
        })
        void comparesByCodePoint(String a, String b, int sign) {
            assertThat(Integer.signum(CanonicalJson.compareByCodePoint(a, b))).isEqualTo(sign);
            assertThat(Integer.signum(CanonicalJson.CODE_POINT_ORDER.compare(a, b))).isEqualTo(sign);
            assertThat(Integer.signum(CanonicalJson.compareByCodePoint(a, b)))
                    .isEqualTo(Integer.signum(Integer.compare(a.codePointAt(0), b.codePointAt(0)) != 0
                            ? Integer.compare(a.codePointAt(0), b.codePointAt(0))
                            : Integer.compare(a.length(), b.length())));
        }
    }

    @Nested
    class Escaping {
        @Test
        void escapesQuoteAndBackslash() {
            assertThat(canonical("\"a\\\"b\\\\c\"")).isEqualTo("\"a\\\"b\\\\c\"");
        }

        @Test
        void usesShortFormsForTheFiveNamedControlCharacters() {
            assertThat(canonical("\"\\b\\t\\n\\f\\r\"")).isEqualTo("\"\\b\\t\\n\\f\\r\"");
            assertThat(canonical("\"\\u0008\\u0009\\u000A\\u000c\\u000D\"")).isEqualTo("\"\\b\\t\\n\\f\\r\"");
        }

        @Test
        void usesLowercaseUnicodeEscapesForOtherControlCharacters() {
            assertThat(canonical("\"\\u0000\\u0001\\u001F\\u001b\\u000B\"")).isEqualTo("\"\\u0000\\u0001\\u001f\\u001b\\u000b\"");
        }

        @Test
        void writesDeleteAndNonAsciiRawAsUtf8() {
            byte[] out = CanonicalJson.canonicalize("\"\\u007f\\u00e9\\u20ac\\ud83d\\ude00\\/\"");
            assertThat(out).isEqualTo(("\"\u007fé€😀/\"").getBytes(StandardCharsets.UTF_8));
            assertThat(out).containsSequence(0x7F).containsSequence(bytes(0xF0, 0x9F, 0x98, 0x80));
        }

        @Test
        void escapesKeysLikeValues() {
            assertThat(canonical("{\"a\\n\\\"\\u0001\":1}")).isEqualTo("{\"a\\n\\\"\\u0001\":1}");
        }

        @Test
        void encodesEveryTwoAndThreeByteFormBoundary() {
            String s = "\u0080\u07FF\u0800\uFFFF\uD800\uDC00\uDBFF\uDFFF";
            ArrayNode array = NODES.arrayNode().add(s);
            assertThat(CanonicalJson.encode(array)).isEqualTo(("[\"" + s + "\"]").getBytes(StandardCharsets.UTF_8));
        }
    }

    @Nested
    class DuplicatesAndSurrogates {
        @Test
        void refusesDuplicateKeys() {
            assertRefused("{\"a\":1,\"a\":2}", Problem.DUPLICATE_KEY);
            assertRefused("{\"x\":{\"a\":1,\"b\":2,\"a\":1}}", Problem.DUPLICATE_KEY);
        }

        @Test
        void refusesKeysThatAreEqualAfterUnescaping() {
            assertRefused("{\"appl\\u0065\":1,\"apple\":2}", Problem.DUPLICATE_KEY);
            assertRefused("{\"apple\":1,\"\\u0061pple\":2}", Problem.DUPLICATE_KEY);
            assertRefused("{\"😀\":1,\"\\ud83d\\ude00\":2}", Problem.DUPLICATE_KEY);
        }

        @Test
        void acceptsTheSameKeyInDifferentObjects() {
            assertThat(canonical("{\"a\":{\"a\":1},\"b\":[{\"a\":1},{\"a\":2}]}"))
                    .isEqualTo("{\"a\":{\"a\":1},\"b\":[{\"a\":1},{\"a\":2}]}");
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "\"\\ud800\"", "\"\\udc00\"", "\"a\\ud83dz\"", "\"\\ude00\\ud83d\"", "\"\\ud83d\"",
            "{\"\\ud800\":1}", "{\"k\\udfff\":1}", "[\"ok\",\"\\ud800\"]",
        })
        void refusesLoneSurrogateEscapes(String json) {
            assertRefused(json, Problem.LONE_SURROGATE);
        }

        @Test
        void refusesLoneSurrogateInJavaStringInput() {
            for (String json : List.of("\"\uD800\"", "{\"\uDC00\":1}")) {
                assertThatThrownBy(() -> CanonicalJson.parse(json)).isInstanceOfSatisfying(InvalidJsonException.class,
                        e -> assertThat(e.problem()).isEqualTo(Problem.LONE_SURROGATE));
            }
        }

        @Test
        void acceptsEscapedSurrogatePairs() {
            assertThat(canonical("\"\\ud83d\\ude00\"")).isEqualTo("\"😀\"");
        }

        @Test
        void refusesLoneSurrogateWhenEncodingATreeBuiltInCode() {
            assertEncodeRefused(TextNode.valueOf("a\uD800"), Problem.LONE_SURROGATE);
            assertEncodeRefused(TextNode.valueOf("\uDC00"), Problem.LONE_SURROGATE);
            assertEncodeRefused(TextNode.valueOf("\uD800x"), Problem.LONE_SURROGATE);
            ObjectNode object = NODES.objectNode();
            object.put("\uD83D", 1);
            assertEncodeRefused(object, Problem.LONE_SURROGATE);
        }

        @Test
        void findsTheFirstLoneSurrogate() {
            assertThat(CanonicalJson.firstLoneSurrogate("abc")).isEqualTo(-1);
            assertThat(CanonicalJson.firstLoneSurrogate("a😀b")).isEqualTo(-1);
            assertThat(CanonicalJson.firstLoneSurrogate("a\uD83D")).isEqualTo(1);
            assertThat(CanonicalJson.firstLoneSurrogate("ab\uDE00")).isEqualTo(2);
            assertThat(CanonicalJson.firstLoneSurrogate("\uD83Dx")).isEqualTo(0);
        }
    }

    @Nested
    class Numbers {
        @ParameterizedTest
        @ValueSource(strings = {"1.0", "1e3", "1E3", "1e-3", "1E+3", "0.5", "-0.0", "[1.5]", "{\"depth\":2.0}", "0e0"})
        void refusesFloatsAndExponents(String json) {
            assertRefused(json, Problem.FLOAT);
        }

        @ParameterizedTest
        @ValueSource(strings = {"-0", "[-0]", "{\"a\":-0}"})
        void refusesNegativeZero(String json) {
            assertRefused(json, Problem.NEGATIVE_ZERO);
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "9007199254740992", "-9007199254740992", "9223372036854775807", "-9223372036854775808",
            "9223372036854775808", "18446744073709551616", "{\"depth\":9007199254740992}",
        })
        void refusesIntegersOutsideTheSafeRange(String json) {
            assertRefused(json, Problem.INTEGER_OUT_OF_RANGE);
        }

        @Test
        void refusesAnIntegerWithMoreDigitsThanJacksonReadsAsOutOfRangeNotAsNesting() {
            assertRefused("1" + "0".repeat(1200), Problem.INTEGER_OUT_OF_RANGE);
        }

        @ParameterizedTest
        @ValueSource(strings = {"9007199254740991", "-9007199254740991", "0", "-1", "2147483648", "-2147483649"})
        void acceptsIntegersInsideTheSafeRange(String json) {
            assertThat(canonical(json)).isEqualTo(json);
            assertThat(CanonicalJson.parse(json).longValue()).isEqualTo(Long.parseLong(json));
        }

        @ParameterizedTest
        @ValueSource(strings = {"01", "+1", "NaN", "Infinity", "-", "1.", ".5", "0x10"})
        void refusesNonJsonNumbersAsSyntax(String json) {
            assertRefused(json, Problem.SYNTAX);
        }

        @Test
        void refusesFloatNodesWhenEncoding() {
            assertEncodeRefused(DoubleNode.valueOf(1.0), Problem.FLOAT);
            assertEncodeRefused(FloatNode.valueOf(0.5f), Problem.FLOAT);
            assertEncodeRefused(DecimalNode.valueOf(new BigDecimal("3")), Problem.FLOAT);
            assertEncodeRefused(NODES.objectNode().put("a", 1.5), Problem.FLOAT);
        }

        @Test
        void refusesIntegerNodesOutsideTheSafeRangeWhenEncoding() {
            assertEncodeRefused(LongNode.valueOf(CanonicalJson.MAX_SAFE_INTEGER + 1), Problem.INTEGER_OUT_OF_RANGE);
            assertEncodeRefused(LongNode.valueOf(-CanonicalJson.MAX_SAFE_INTEGER - 1), Problem.INTEGER_OUT_OF_RANGE);
            assertEncodeRefused(LongNode.valueOf(Long.MAX_VALUE), Problem.INTEGER_OUT_OF_RANGE);
            // Math.abs(Long.MIN_VALUE) is negative: a check written with abs() lets this through.
            assertEncodeRefused(LongNode.valueOf(Long.MIN_VALUE), Problem.INTEGER_OUT_OF_RANGE);
            assertEncodeRefused(BigIntegerNode.valueOf(BigInteger.TWO.pow(53)), Problem.INTEGER_OUT_OF_RANGE);
            assertEncodeRefused(BigIntegerNode.valueOf(BigInteger.TWO.pow(100)), Problem.INTEGER_OUT_OF_RANGE);
            assertEncodeRefused(BigIntegerNode.valueOf(BigInteger.TWO.pow(100).negate()), Problem.INTEGER_OUT_OF_RANGE);
        }

        @Test
        void encodesIntegerNodesInsideTheSafeRange() {
            assertThat(CanonicalJson.encodeToString(LongNode.valueOf(CanonicalJson.MAX_SAFE_INTEGER))).isEqualTo("9007199254740991");
            assertThat(CanonicalJson.encodeToString(LongNode.valueOf(-CanonicalJson.MAX_SAFE_INTEGER))).isEqualTo("-9007199254740991");
            assertThat(CanonicalJson.encodeToString(BigIntegerNode.valueOf(BigInteger.TEN))).isEqualTo("10");
            assertThat(CanonicalJson.encodeToString(NODES.numberNode((short) -3))).isEqualTo("-3");
        }
    }

    @Nested
    class Structure {
        private String nestedArrays(int depth) {
            return "[".repeat(depth) + "]".repeat(depth);
        }

        @Test
        void acceptsNestingUpToTheLimit() {
            assertThat(canonical(nestedArrays(CanonicalJson.MAX_DEPTH))).isEqualTo(nestedArrays(CanonicalJson.MAX_DEPTH));
            String objects = "{\"a\":".repeat(CanonicalJson.MAX_DEPTH - 1) + "{}" + "}".repeat(CanonicalJson.MAX_DEPTH - 1);
            assertThat(canonical(objects)).isEqualTo(objects);
        }

        @Test
        void refusesNestingBeyondTheLimit() {
            assertRefused(nestedArrays(CanonicalJson.MAX_DEPTH + 1), Problem.TOO_DEEP);
            assertRefused("{\"a\":".repeat(CanonicalJson.MAX_DEPTH) + "{}" + "}".repeat(CanonicalJson.MAX_DEPTH), Problem.TOO_DEEP);
            assertRefused(nestedArrays(100_000), Problem.TOO_DEEP);
        }

        @Test
        void encodesExactlyWhatParsingAcceptsInDepth() {
            ArrayNode root = NODES.arrayNode();
            ArrayNode innermost = root;
            for (int i = 1; i < CanonicalJson.MAX_DEPTH; i++) {
                innermost = innermost.addArray();
            }
            innermost.add(1);
            String encoded = CanonicalJson.encodeToString(root);
            assertThat(CanonicalJson.encodeToString(CanonicalJson.parse(encoded))).isEqualTo(encoded);

            innermost.removeAll();
            innermost.addArray();
            assertEncodeRefused(root, Problem.TOO_DEEP);
            assertRefused(nestedArrays(CanonicalJson.MAX_DEPTH + 1), Problem.TOO_DEEP);
        }

        @ParameterizedTest
        @ValueSource(strings = {"{} x", "{}{}", "1 2", "[] ]", "{}}", "\"a\" \"b\"", "null,", "1\u0000", "{\"a\":1}\u0000garbage"})
        void refusesTrailingContent(String json) {
            assertRefused(json, Problem.SYNTAX);
        }

        @ParameterizedTest
        @ValueSource(strings = {"", " ", "\n\t "})
        void refusesEmptyInput(String json) {
            assertRefused(json, Problem.SYNTAX);
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "{", "[", "{\"a\"}", "{\"a\":}", "{a:1}", "{'a':1}", "[1,]", "{\"a\":1,}", "tru", "nul",
            "\"unterminated", "\"bad \\x escape\"", "/*c*/{}", "{\"a\":1 // c\n}", "\"\u0001\"", "\"\\u12\"",
        })
        void refusesMalformedJsonAsSyntax(String json) {
            assertRefused(json, Problem.SYNTAX);
        }

        @Test
        void dropsInsignificantWhitespace() {
            assertThat(canonical(" {\r\n\t\"a\" : [ 1 , true , false , null , \"x y\" ] } ")).isEqualTo("{\"a\":[1,true,false,null,\"x y\"]}");
        }

        @ParameterizedTest
        @ValueSource(strings = {"[]", "1", "\"s\"", "null", "true"})
        void parseObjectRefusesNonObjectTopLevel(String json) {
            assertThatThrownBy(() -> CanonicalJson.parseObject(json))
                    .isInstanceOfSatisfying(InvalidJsonException.class, e -> assertThat(e.problem()).isEqualTo(Problem.NOT_AN_OBJECT));
            assertThatThrownBy(() -> CanonicalJson.parseObject(json.getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOfSatisfying(InvalidJsonException.class, e -> assertThat(e.problem()).isEqualTo(Problem.NOT_AN_OBJECT));
        }

        @Test
        void parseObjectReturnsTheObject() {
            ObjectNode object = CanonicalJson.parseObject("{\"b\":[1,{\"c\":\"d\"}],\"a\":true}");
            assertThat(object.get("a").booleanValue()).isTrue();
            assertThat(object.get("b").get(1).get("c").textValue()).isEqualTo("d");
            assertThat(CanonicalJson.parseObject("{\"a\":1}".getBytes(StandardCharsets.UTF_8))).isEqualTo(NODES.objectNode().put("a", 1L));
        }

        @Test
        void readsAllScalarTypes() {
            JsonNode node = CanonicalJson.parse("[true,false,null,\"s\",-5]");
            assertThat(node.get(0).isBoolean()).isTrue();
            assertThat(node.get(1).booleanValue()).isFalse();
            assertThat(node.get(2).isNull()).isTrue();
            assertThat(node.get(3).textValue()).isEqualTo("s");
            assertThat(node.get(4).isIntegralNumber()).isTrue();
        }

        @Test
        void refusesNodeTypesThatAreNotJson() {
            assertEncodeRefused(BinaryNode.valueOf(new byte[] {1, 2}), Problem.UNSUPPORTED_VALUE);
            assertEncodeRefused(new POJONode(new Object()), Problem.UNSUPPORTED_VALUE);
            assertEncodeRefused(MissingNode.getInstance(), Problem.UNSUPPORTED_VALUE);
            assertEncodeRefused(NODES.arrayNode().add(BinaryNode.valueOf(new byte[0])), Problem.UNSUPPORTED_VALUE);
        }

        @Test
        void acceptsLongKeysAndStrings() {
            String key = "k".repeat(60_000);
            assertThat(CanonicalJson.parseObject("{\"" + key + "\":1}").has(key)).isTrue();
            assertThat(CanonicalJson.parse("\"" + key + "\"").textValue()).hasSize(60_000);
        }

        @Test
        void growsTheOutputBufferForLargeDocuments() {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                parts.add("\"é" + i + "\"");
            }
            String json = "[" + String.join(",", parts) + "]";
            assertThat(canonical(json)).isEqualTo(json);
        }
    }

    @Nested
    class Utf8Input {
        @Test
        void acceptsValidMultiByteUtf8() {
            assertThat(CanonicalJson.parse("\"é€😀\"".getBytes(StandardCharsets.UTF_8)).textValue()).isEqualTo("é€😀");
        }

        @Test
        void refusesOverlongEncodings() {
            // C0 80 is an overlong NUL; E0 80 AF an overlong '/'. Jackson's byte parser accepts both by itself.
            assertRefusedBytes(bytes('"', 0xC0, 0x80, '"'), Problem.SYNTAX);
            assertRefusedBytes(bytes('"', 0xE0, 0x80, 0xAF, '"'), Problem.SYNTAX);
        }

        @Test
        void refusesCesu8SurrogatePairs() {
            // U+1F600 written as two encoded surrogates (CESU-8) instead of F0 9F 98 80.
            assertRefusedBytes(bytes('"', 0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80, '"'), Problem.SYNTAX);
            assertRefusedBytes(bytes('"', 0xED, 0xA0, 0x80, '"'), Problem.SYNTAX);
        }

        @Test
        void refusesBytesThatAreNeverUtf8() {
            assertRefusedBytes(bytes('"', 0xFF, '"'), Problem.SYNTAX);
            assertRefusedBytes(bytes('"', 0xF5, 0x80, 0x80, 0x80, '"'), Problem.SYNTAX);
            assertRefusedBytes(bytes('"', 0xF4, 0x90, 0x80, 0x80, '"'), Problem.SYNTAX);
            assertRefusedBytes(bytes('"', 0x80, '"'), Problem.SYNTAX);
            assertRefusedBytes(bytes('"', 0xE2, 0x82, '"'), Problem.SYNTAX);
        }

        @Test
        void refusesUtf16AndUtf32AndByteOrderMarks() {
            assertRefusedBytes("{\"a\":1}".getBytes(StandardCharsets.UTF_16LE), Problem.SYNTAX);
            assertRefusedBytes("{\"a\":1}".getBytes(StandardCharsets.UTF_16BE), Problem.SYNTAX);
            assertRefusedBytes("{\"a\":1}".getBytes(java.nio.charset.Charset.forName("UTF-32BE")), Problem.SYNTAX);
            assertRefusedBytes(bytes(0xEF, 0xBB, 0xBF, '1'), Problem.SYNTAX);
        }
    }

    @Test
    void exceptionsCarryTheProblemInTheMessage() {
        InvalidJsonException e = new InvalidJsonException(Problem.FLOAT, "detail", new RuntimeException());
        assertThat(e.getMessage()).isEqualTo("FLOAT: detail");
        assertThat(e.problem()).isEqualTo(Problem.FLOAT);
        assertThat(e).isInstanceOf(dev.starling.protocol.ProtocolException.class);
    }

    @Test
    void encodeToStringMatchesEncode() {
        ObjectNode object = NODES.objectNode().put("b", "ü").put("a", 1);
        assertThat(CanonicalJson.encodeToString(object)).isEqualTo(new String(CanonicalJson.encode(object), StandardCharsets.UTF_8))
                .isEqualTo("{\"a\":1,\"b\":\"ü\"}");
    }
}
