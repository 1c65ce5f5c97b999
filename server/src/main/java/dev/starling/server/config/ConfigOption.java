package dev.starling.server.config;

/**
 * One documented configuration key: its dotted path in the YAML file, its default as YAML text, and the
 * comment written above it in the generated file. {@link ConfigOptions#ALL} is the single table from which
 * both the generated file and the reader's list of known keys come, so the sample cannot drift from the code.
 */
record ConfigOption(String path, String defaultYaml, String doc) {}
