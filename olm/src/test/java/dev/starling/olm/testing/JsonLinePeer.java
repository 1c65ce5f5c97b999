package dev.starling.olm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A live interop peer in a child process that takes one JSON request per line on stdin and answers with one JSON
 * line on stdout (its stderr goes to ours): {@code LibolmPeer}, {@code MegolmPeer}, {@code OlmMachinePeer}.
 * Closing it closes its stdin, which ends the peer; one still running 10 s later is killed.
 */
public abstract class JsonLinePeer implements AutoCloseable {
    protected static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Process process;
    private final BufferedWriter in;
    private final BufferedReader out;

    /** {@code name} names the peer in errors ("the libolm peer"); {@code command} is started here. */
    protected JsonLinePeer(String name, ProcessBuilder command) {
        this.name = name;
        try {
            this.process = command.redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command.command()), e);
        }
        this.in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** A request object with {@code op} set. */
    public static ObjectNode op(String op) {
        return JSON.createObjectNode().put("op", op);
    }

    /** Writes one request line and reads the answer line, whatever it says. */
    protected final JsonNode exchange(ObjectNode request) {
        try {
            in.write(JSON.writeValueAsString(request));
            in.newLine();
            in.flush();
            String line = out.readLine();
            if (line == null) {
                throw new IllegalStateException(name + " exited");
            }
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            in.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
