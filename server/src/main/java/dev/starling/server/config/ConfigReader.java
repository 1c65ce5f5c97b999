package dev.starling.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads typed values by dotted path, falling back to the documented default and collecting problems. */
record ConfigReader(JsonNode root, List<String> problems) {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern SIZE = Pattern.compile("([0-9]{1,18})([KkMmGg]?)");

    private JsonNode node(String path) {
        JsonNode node = root;
        for (String part : path.split("\\.")) {
            node = node == null ? null : node.get(part);
        }
        if (node == null || node.isNull()) {
            try {
                return YAML.readTree(defaultOf(path));
            } catch (IOException e) {
                throw new IllegalStateException("default of " + path + " is not YAML", e);
            }
        }
        return node;
    }

    private static String defaultOf(String path) {
        return ConfigOptions.ALL.stream().filter(o -> o.path().equals(path)).findFirst().orElseThrow().defaultYaml();
    }

    String text(String path) {
        JsonNode node = node(path);
        if (!node.isValueNode() || node.isBoolean()) {
            problems.add(path + ": must be a string");
            return "";
        }
        return node.asText();
    }

    int integer(String path) {
        JsonNode node = node(path);
        if (!node.canConvertToInt() || !node.isIntegralNumber()) {
            problems.add(path + ": must be a whole number");
            return 0;
        }
        return node.intValue();
    }

    /** A positive byte count: a whole number, or one with a suffix K, M or G (powers of 1024). */
    long size(String path) {
        JsonNode node = node(path);
        String text = node.isIntegralNumber() ? Long.toString(node.longValue()) : node.isTextual() ? node.textValue() : "";
        Matcher m = SIZE.matcher(text.strip());
        if (m.matches()) {
            long unit = switch (m.group(2).toUpperCase(Locale.ROOT)) {
                case "K" -> 1L << 10;
                case "M" -> 1L << 20;
                case "G" -> 1L << 30;
                default -> 1L;
            };
            try {
                long value = Math.multiplyExact(Long.parseLong(m.group(1)), unit);
                if (value > 0) {
                    return value;
                }
            } catch (ArithmeticException | NumberFormatException tooBig) {
                // reported below
            }
        }
        problems.add(path + ": must be a positive size in bytes, optionally with K, M or G (e.g. 50M)");
        return ServerConfig.DEFAULT_MAX_UPLOAD_SIZE;
    }

    boolean bool(String path) {
        JsonNode node = node(path);
        if (!node.isBoolean()) {
            problems.add(path + ": must be true or false");
            return false;
        }
        return node.booleanValue();
    }

    List<String> texts(String path) {
        JsonNode node = node(path);
        if (!node.isArray()) {
            problems.add(path + ": must be a list of strings");
            return List.of();
        }
        List<String> values = new ArrayList<>();
        for (JsonNode element : node) {
            if (!element.isTextual() || element.textValue().isEmpty()) {
                problems.add(path + ": every entry must be a non-empty string");
            } else {
                values.add(element.textValue());
            }
        }
        return values;
    }
}
