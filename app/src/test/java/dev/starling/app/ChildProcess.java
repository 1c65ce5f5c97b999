package dev.starling.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child process of a namespace test ({@code starling node}, a port forwarder, a nio script) and the lines it
 * printed on stdout, collected as they come; stderr goes to {@code <dir>/<name>.err}.
 */
record ChildProcess(Process process, List<String> lines) {
    static ChildProcess start(List<String> command, Path dir, String name) throws IOException {
        Process process = new ProcessBuilder(command).redirectError(dir.resolve(name + ".err").toFile()).start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        return new ChildProcess(process, lines);
    }

    /** {@code starling node} in namespace {@code ns}, on this JVM's class path, with discovery on. */
    static ChildProcess node(String ns, Path dir, String name) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        return start(List.of("ip", "netns", "exec", ns, java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), Starling.class.getName(), "node", "--data",
                dir.resolve(name).toString(), "--port", "8009", "--listen", "41844", "--discovery", "on"),
                dir, name);
    }

    String text() {
        return String.join("\n", lines);
    }

    /** Group 1 of the first match of {@code pattern} in the output, waiting up to {@code seconds}. */
    String await(Pattern pattern, int seconds) throws InterruptedException {
        return awaitFrom(0, pattern, seconds);
    }

    String await(Pattern pattern) throws InterruptedException {
        return await(pattern, 60);
    }

    /** As {@link #await(Pattern, int)}, looking only at lines from index {@code fromLine} on. */
    String awaitFrom(int fromLine, Pattern pattern, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            List<String> now = List.copyOf(lines);
            for (int i = fromLine; i < now.size(); i++) {
                Matcher matcher = pattern.matcher(now.get(i));
                if (matcher.find()) {
                    return matcher.group(1);
                }
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + pattern + " in:\n" + text());
    }

    /** Stops the process (TERM, then KILL after 15 s). */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    static int freePort() throws IOException {
        return TestPorts.freePort();
    }
}
