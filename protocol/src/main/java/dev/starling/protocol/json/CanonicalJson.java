package dev.starling.protocol.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Matrix canonical JSON (spec: Appendices, "Canonical JSON").
 *
 * <p>Parsing is strict: duplicate keys (after unescaping), floats, exponents, {@code -0}, integers outside
 * ±(2^53−1) and lone surrogates are refused with an {@link InvalidJsonException} that names the problem.
 * Encoding sorts object keys by Unicode code point (not by UTF-16 code unit, which is what
 * {@link String#compareTo} does), writes no insignificant whitespace, escapes only what the spec requires
 * and emits every other character as raw UTF-8.
 */
public final class CanonicalJson {
    /** The largest integer canonical JSON allows, 2^53−1. */
    public static final long MAX_SAFE_INTEGER = 9_007_199_254_740_991L;
    /** Nesting deeper than this is refused; events are far shallower and a bound keeps recursion safe. */
    public static final int MAX_DEPTH = 128;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    // Keys are strings like any other; Jackson's default caps them at 50,000 characters.
                    .maxNameLength(StreamReadConstraints.DEFAULT_MAX_STRING_LEN)
                    .build())
            .build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    private static final BigInteger MAX = BigInteger.valueOf(MAX_SAFE_INTEGER);
    private static final BigInteger MIN = MAX.negate();

    /** Orders strings by Unicode code point. */
    public static final Comparator<String> CODE_POINT_ORDER = CanonicalJson::compareByCodePoint;

    private CanonicalJson() {}

    /** Parses UTF-8 JSON text strictly into a tree of any JSON value. */
    public static JsonNode parse(byte[] utf8) {
        // Decode strictly first: Jackson's byte parser accepts overlong forms (C0 80 as U+0000), CESU-8
        // surrogate pairs and UTF-16/32 input, none of which is UTF-8.
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidJsonException(InvalidJsonException.Problem.SYNTAX, "input is not valid UTF-8", e);
        }
        return parse(text);
    }

    /** Parses JSON text strictly into a tree of any JSON value. */
    public static JsonNode parse(String json) {
        try (JsonParser parser = FACTORY.createParser(json)) {
            return parseDocument(parser);
        } catch (IOException e) {
            throw syntax(e);
        }
    }

    /** Parses JSON text strictly and requires the top level to be an object. */
    public static ObjectNode parseObject(byte[] utf8) {
        return requireObject(parse(utf8));
    }

    /** Parses JSON text strictly and requires the top level to be an object. */
    public static ObjectNode parseObject(String json) {
        return requireObject(parse(json));
    }

    private static ObjectNode requireObject(JsonNode node) {
        if (node instanceof ObjectNode object) {
            return object;
        }
        throw new InvalidJsonException(InvalidJsonException.Problem.NOT_AN_OBJECT,
                "expected a JSON object at the top level, got " + node.getNodeType());
    }

    private static InvalidJsonException syntax(IOException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (e instanceof StreamConstraintsException) {
            // Only the nesting limit means TOO_DEEP; the number-length limit means a huge number.
            if (message.startsWith("Number value length")) {
                return new InvalidJsonException(InvalidJsonException.Problem.INTEGER_OUT_OF_RANGE,
                        "number with more digits than Jackson reads", e);
            }
            if (message.contains("nesting depth")) {
                return new InvalidJsonException(InvalidJsonException.Problem.TOO_DEEP,
                        "nesting deeper than " + MAX_DEPTH, e);
            }
        }
        if (message.contains("surrogate")) {
            // Jackson 2.23+ refuses some lone surrogate escapes (in field names) while parsing.
            return new InvalidJsonException(InvalidJsonException.Problem.LONE_SURROGATE, firstLine(message), e);
        }
        if (message.startsWith("Duplicate field")) {
            int end = message.indexOf('\n');
            return new InvalidJsonException(InvalidJsonException.Problem.DUPLICATE_KEY,
                    end < 0 ? message : message.substring(0, end), e);
        }
        int end = message.indexOf('\n');
        return new InvalidJsonException(InvalidJsonException.Problem.SYNTAX,
                end < 0 ? message : message.substring(0, end), e);
    }

    private static String firstLine(String message) {
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }

    private static JsonNode parseDocument(JsonParser parser) throws IOException {
        JsonToken first = parser.nextToken();
        if (first == null) {
            throw new InvalidJsonException(InvalidJsonException.Problem.SYNTAX, "empty input");
        }
        JsonNode value = readValue(parser, first);
        if (parser.nextToken() != null) {
            throw new InvalidJsonException(InvalidJsonException.Problem.SYNTAX, "trailing content after the value");
        }
        return value;
    }

    private static JsonNode readValue(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT: {
                ObjectNode object = NODES.objectNode();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                    String key = parser.currentName();
                    checkString(key);
                    object.set(key, readValue(parser, parser.nextToken()));
                }
                return object;
            }
            case START_ARRAY: {
                ArrayNode array = NODES.arrayNode();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    array.add(readValue(parser, t));
                }
                return array;
            }
            case VALUE_STRING: {
                String text = parser.getText();
                checkString(text);
                return NODES.textNode(text);
            }
            case VALUE_NUMBER_INT:
                return readInteger(parser);
            case VALUE_NUMBER_FLOAT:
                throw new InvalidJsonException(InvalidJsonException.Problem.FLOAT,
                        "floating-point number " + abbreviate(parser.getText()) + " is not allowed");
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            default:
                throw new InvalidJsonException(InvalidJsonException.Problem.SYNTAX, "unexpected token " + token);
        }
    }

    private static JsonNode readInteger(JsonParser parser) throws IOException {
        String text = parser.getText();
        if (text.equals("-0")) {
            throw new InvalidJsonException(InvalidJsonException.Problem.NEGATIVE_ZERO, "-0 is not allowed");
        }
        if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            BigInteger big = parser.getBigIntegerValue();
            if (big.compareTo(MAX) > 0 || big.compareTo(MIN) < 0) {
                throw new InvalidJsonException(InvalidJsonException.Problem.INTEGER_OUT_OF_RANGE,
                        abbreviate(text) + " is outside ±(2^53−1)");
            }
        }
        long value = parser.getLongValue();
        if (value > MAX_SAFE_INTEGER || value < -MAX_SAFE_INTEGER) {
            throw new InvalidJsonException(InvalidJsonException.Problem.INTEGER_OUT_OF_RANGE,
                    text + " is outside ±(2^53−1)");
        }
        return NODES.numberNode(value);
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }

    private static void checkString(String s) {
        int index = firstLoneSurrogate(s);
        if (index >= 0) {
            throw new InvalidJsonException(InvalidJsonException.Problem.LONE_SURROGATE,
                    "lone UTF-16 surrogate at index " + index);
        }
    }

    /** Returns the index of the first unpaired surrogate in {@code s}, or −1. */
    static int firstLoneSurrogate(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            } else if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /** Encodes a tree as canonical JSON UTF-8 bytes. */
    public static byte[] encode(JsonNode node) {
        Utf8Buffer out = new Utf8Buffer(256);
        write(node, out, 0);
        return out.toByteArray();
    }

    /** Encodes a tree as canonical JSON text. */
    public static String encodeToString(JsonNode node) {
        return new String(encode(node), StandardCharsets.UTF_8);
    }

    /** Reads any JSON text strictly and returns its canonical form. */
    public static byte[] canonicalize(String json) {
        return encode(parse(json));
    }

    private static void write(JsonNode node, Utf8Buffer out, int depth) {
        // depth counts enclosing containers; parse refuses a container inside MAX_DEPTH others, so must we.
        if (node.isContainerNode() && depth >= MAX_DEPTH) {
            throw new InvalidJsonException(InvalidJsonException.Problem.TOO_DEEP, "nesting deeper than " + MAX_DEPTH);
        }
        switch (node.getNodeType()) {
            case OBJECT -> writeObject(node, out, depth);
            case ARRAY -> {
                out.write('[');
                boolean first = true;
                for (JsonNode element : node) {
                    if (!first) {
                        out.write(',');
                    }
                    first = false;
                    write(element, out, depth + 1);
                }
                out.write(']');
            }
            case STRING -> writeString(node.textValue(), out);
            case NUMBER -> writeNumber(node, out);
            case BOOLEAN -> out.writeAscii(node.booleanValue() ? "true" : "false");
            case NULL -> out.writeAscii("null");
            default -> throw new InvalidJsonException(InvalidJsonException.Problem.UNSUPPORTED_VALUE,
                    "cannot encode a " + node.getNodeType() + " node");
        }
    }

    private static void writeObject(JsonNode node, Utf8Buffer out, int depth) {
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(node.size());
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            entries.add(it.next());
        }
        entries.sort((a, b) -> compareByCodePoint(a.getKey(), b.getKey()));
        out.write('{');
        for (int i = 0; i < entries.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            writeString(entries.get(i).getKey(), out);
            out.write(':');
            write(entries.get(i).getValue(), out, depth + 1);
        }
        out.write('}');
    }

    private static void writeNumber(JsonNode node, Utf8Buffer out) {
        if (!node.isIntegralNumber()) {
            throw new InvalidJsonException(InvalidJsonException.Problem.FLOAT,
                    "floating-point number " + node.asText() + " cannot be encoded");
        }
        // Not Math.abs: Math.abs(Long.MIN_VALUE) is negative and would pass.
        if (!node.canConvertToLong() || node.longValue() > MAX_SAFE_INTEGER || node.longValue() < -MAX_SAFE_INTEGER) {
            throw new InvalidJsonException(InvalidJsonException.Problem.INTEGER_OUT_OF_RANGE,
                    abbreviate(node.asText()) + " is outside ±(2^53−1)");
        }
        out.writeAscii(Long.toString(node.longValue()));
    }

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private static void writeString(String s, Utf8Buffer out) {
        out.write('"');
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                switch (c) {
                    case '"' -> out.writeAscii("\\\"");
                    case '\\' -> out.writeAscii("\\\\");
                    case '\b' -> out.writeAscii("\\b");
                    case '\t' -> out.writeAscii("\\t");
                    case '\n' -> out.writeAscii("\\n");
                    case '\f' -> out.writeAscii("\\f");
                    case '\r' -> out.writeAscii("\\r");
                    default -> {
                        if (c < 0x20) {
                            out.writeAscii("\\u00");
                            out.write(HEX[c >> 4]);
                            out.write(HEX[c & 0xF]);
                        } else {
                            out.write(c);
                        }
                    }
                }
            } else if (c < 0x800) {
                out.write(0xC0 | (c >> 6));
                out.write(0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    out.write(0xF0 | (cp >> 18));
                    out.write(0x80 | ((cp >> 12) & 0x3F));
                    out.write(0x80 | ((cp >> 6) & 0x3F));
                    out.write(0x80 | (cp & 0x3F));
                } else {
                    throw new InvalidJsonException(InvalidJsonException.Problem.LONE_SURROGATE,
                            "lone UTF-16 surrogate at index " + i);
                }
            } else {
                out.write(0xE0 | (c >> 12));
                out.write(0x80 | ((c >> 6) & 0x3F));
                out.write(0x80 | (c & 0x3F));
            }
        }
        out.write('"');
    }

    /**
     * Compares two strings by Unicode code point. UTF-16 code-unit order agrees with code-point order except
     * when a surrogate (U+D800–DFFF, which encodes U+10000 and above) meets a unit in U+E000–FFFF, so only
     * that case needs fixing up.
     */
    public static int compareByCodePoint(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                if (x >= 0xD800 && y >= 0xD800) {
                    return fixUp(x) - fixUp(y);
                }
                return x - y;
            }
        }
        return a.length() - b.length();
    }

    private static int fixUp(char c) {
        // Surrogates move above U+E000–FFFF; everything at U+E000 and above moves down.
        return Character.isSurrogate(c) ? c + 0x2000 : c - 0x800;
    }

    /** A growable byte buffer that writes without the synchronisation of ByteArrayOutputStream. */
    private static final class Utf8Buffer {
        private byte[] bytes;
        private int size;

        Utf8Buffer(int capacity) {
            bytes = new byte[capacity];
        }

        void write(int b) {
            if (size == bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, bytes.length * 2);
            }
            bytes[size++] = (byte) b;
        }

        void writeAscii(String s) {
            for (int i = 0; i < s.length(); i++) {
                write(s.charAt(i));
            }
        }

        byte[] toByteArray() {
            return java.util.Arrays.copyOf(bytes, size);
        }
    }
}
