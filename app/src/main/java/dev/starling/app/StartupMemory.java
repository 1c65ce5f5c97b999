package dev.starling.app;

/**
 * Gives the memory of start-up back once a long-running command ({@code server}, {@code node}) is ready.
 *
 * <p>Starting the server allocates about 110 MB that is garbage by the time it listens (configuration, Flyway,
 * Jackson and Jetty set-up). G1 sizes its young generation for a heap of a quarter of RAM, so no collection
 * happens during start-up and, on an idle server, none for a long time after: those pages stay resident
 * (idle RSS 145–208 MiB instead of 105–131 MiB, medians 171 and 114 MiB with the launcher's other defaults;
 * BENCHMARKS.md, "Idle memory and start-up time"). One full
 * collection right after start frees them and lets G1 shrink the heap to what is live. It costs one pause of
 * a few tens of milliseconds once, at a moment with no load; a server under load never sees it again.
 *
 * <p>{@code -Dstarling.gcAfterStart=false} (in {@code STARLING_JAVA_OPTS}) turns it off; so does
 * {@code -XX:+DisableExplicitGC}.
 */
final class StartupMemory {
    static final String PROPERTY = "starling.gcAfterStart";

    private StartupMemory() {}

    /** Collects the start-up garbage unless {@value #PROPERTY} is {@code false}. */
    static void release() {
        if (!"false".equalsIgnoreCase(System.getProperty(PROPERTY))) {
            System.gc();
        }
    }
}
