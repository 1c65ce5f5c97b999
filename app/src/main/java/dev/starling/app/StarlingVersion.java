package dev.starling.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** Starling's version (from the build) and the Java runtime it runs on. */
public final class StarlingVersion implements IVersionProvider {

    private static final String RESOURCE = "version.properties";

    /** Starling's version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String version() {
        try (InputStream in = StarlingVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource dev/starling/app/" + RESOURCE);
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Java runtime, e.g. {@code java 25.0.3 (Eclipse Adoptium) at /usr/lib/jvm/temurin-25-jdk-amd64}. */
    public static String java() {
        return "java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ") at "
                + System.getProperty("java.home");
    }

    @Override
    public String[] getVersion() {
        return new String[] {"starling " + version(), java()};
    }
}
