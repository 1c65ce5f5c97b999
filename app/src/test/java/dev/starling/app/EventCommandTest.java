package dev.starling.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.json.CanonicalJson;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code starling event verify} on the example event in {@code examples/} and on broken copies of it. */
class EventCommandTest {
    private static final Path EXAMPLE_EVENT = Path.of("..", "examples", "events", "v11-message.json");
    private static final Path EXAMPLE_KEYS = Path.of("..", "examples", "keys", "example.org.json");

    @TempDir Path dir;
    private final CommandRun command = new CommandRun();
    private final StringWriter out = command.out;
    private final StringWriter err = command.err;

    private int run(String... args) {
        return command.run(args);
    }

    private Path write(ObjectNode event) throws IOException {
        Path file = dir.resolve("event.json");
        Files.write(file, CanonicalJson.encode(event));
        return file;
    }

    private static ObjectNode example() throws IOException {
        return CanonicalJson.parseObject(Files.readAllBytes(EXAMPLE_EVENT));
    }

    @Test
    void theExampleEventPassesEveryCheck() {
        int exit = run("event", "verify", "--room-version", "11", "--server-keys", EXAMPLE_KEYS.toString(),
                EXAMPLE_EVENT.toString());

        assertThat(exit).isZero();
        assertThat(out.toString().lines()).containsExactly(
                "room_version: 11",
                // Cross-checked with an independent Python calculation of the reference hash.
                "event_id:     $5WdKTn3QHNQS_d8UXH9K-PzDxWhqzqco0YSIIRKOTrY",
                "room_id:      !jEsUZKDJdhlrceRyVU:example.org",
                "format:       ok",
                "content_hash: ok",
                "signatures:   ok (example.org)");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void withoutKeysTheSignaturesAreReportedAsNotChecked() {
        assertThat(run("event", "verify", "--room-version", "11", EXAMPLE_EVENT.toString())).isZero();
        assertThat(out.toString()).contains("signatures:   not checked (no --server-keys document for example.org)");
    }

    @Test
    void anEditedBodyBreaksTheContentHashButNotTheSignatureOfTheRedactedForm() throws IOException {
        ObjectNode event = example();
        ((ObjectNode) event.get("content")).put("body", "edited in transit");

        int exit = run("event", "verify", "--room-version", "11", "--server-keys", EXAMPLE_KEYS.toString(),
                write(event).toString());

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString())
                .contains("content_hash: MISMATCH")
                .contains("signatures:   ok (example.org)");
    }

    @Test
    void anEditedDepthBreaksTheSignature() throws IOException {
        ObjectNode event = example();
        event.put("depth", 8);

        int exit = run("event", "verify", "--room-version", "11", "--server-keys", EXAMPLE_KEYS.toString(),
                write(event).toString());

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).contains("signatures:   FAILED").contains("BAD_SIGNATURE");
    }

    @Test
    void aMalformedEventFailsTheFormatCheckNamingTheProblem() throws IOException {
        ObjectNode event = example();
        event.put("depth", -1);

        assertThat(run("event", "verify", "--room-version", "11", write(event).toString())).isEqualTo(1);
        assertThat(out.toString()).contains("format:       FAILED DEPTH_OUT_OF_RANGE");
    }

    @Test
    void theRoomVersionOfACreateEventIsReadFromItsContent() throws IOException {
        ObjectNode create = (ObjectNode) CanonicalJson.parse("""
                {"type":"m.room.create","state_key":"","sender":"@alice:example.org",
                 "content":{"room_version":"12"},"depth":1,"origin_server_ts":1,"prev_events":[],"auth_events":[],
                 "hashes":{"sha256":"x"}}""");

        run("event", "verify", write(create).toString());

        assertThat(out.toString()).contains("room_version: 12").contains("format:       ok")
                .contains("content_hash: MISMATCH");
    }

    @Test
    void aNonCreateEventWithoutRoomVersionIsAUsageError() {
        assertThat(run("event", "verify", EXAMPLE_EVENT.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--room-version");
    }

    @Test
    void anUnsupportedRoomVersionIsAUsageErrorNamingIt() {
        assertThat(run("event", "verify", "--room-version", "9", EXAMPLE_EVENT.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("unsupported room version \"9\"");
    }

    @Test
    void invalidJsonIsAUsageErrorNamingTheProblem() throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"a\":1,\"a\":2}");

        assertThat(run("event", "verify", "--room-version", "11", file.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("DUPLICATE_KEY");
    }

    @Test
    void aMissingFileIsAUsageError() {
        assertThat(run("event", "verify", "--room-version", "11", dir.resolve("nope.json").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("cannot read");
    }

    @Test
    void aKeyDocumentWithABrokenSelfSignatureIsRefused() throws IOException {
        ObjectNode keys = CanonicalJson.parseObject(Files.readAllBytes(EXAMPLE_KEYS));
        keys.put("valid_until_ts", 1);
        Path keyFile = dir.resolve("keys.json");
        Files.write(keyFile, CanonicalJson.encode(keys));

        assertThat(run("event", "verify", "--room-version", "11", "--server-keys", keyFile.toString(),
                EXAMPLE_EVENT.toString())).isEqualTo(1);
        assertThat(out.toString()).contains("signatures:   FAILED key document");
    }
}
