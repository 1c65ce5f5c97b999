package dev.starling.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.ProtocolException;
import dev.starling.protocol.crypto.EventSigning;
import dev.starling.protocol.crypto.ServerKeys;
import dev.starling.protocol.crypto.ServerKeysDocument;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.protocol.rooms.RoomVersion;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code starling event ...}: tools for single Matrix events (PDUs). */
@Command(name = "event", description = "Inspect and check Matrix events (PDUs).",
        subcommands = {EventCommand.Verify.class})
final class EventCommand {

    /**
     * {@code starling event verify [--room-version V] [--server-keys FILE]... FILE}: runs the checks a
     * receiving homeserver runs on a PDU that do not need the room (format and limits, event ID, content hash,
     * signatures) and prints one line per check. Exit code 0 when every check passed, 1 when one failed.
     */
    @Command(name = "verify", description = "Check a PDU's format, event ID, content hash and signatures.")
    static final class Verify implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "The event as JSON (federation format).")
        Path file;

        @Option(names = "--room-version", paramLabel = "V",
                description = "The room version (10, 11, 12). Needed unless FILE is an m.room.create event.")
        String roomVersion;

        @Option(names = "--server-keys", paramLabel = "FILE",
                description = "A server's key document (GET /_matrix/key/v2/server) to check signatures with; "
                        + "repeatable.")
        List<Path> serverKeys = new ArrayList<>();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            ObjectNode json;
            try {
                json = CanonicalJson.parseObject(Files.readAllBytes(file));
            } catch (IOException e) {
                return fail("cannot read " + file + ": " + e.getMessage());
            } catch (ProtocolException e) {
                return fail(file + " is not acceptable JSON: " + e.getMessage());
            }
            RoomVersion version;
            try {
                version = roomVersion != null ? RoomVersion.fromId(roomVersion) : versionFromCreateEvent(json);
            } catch (ProtocolException e) {
                return fail(e.getMessage());
            }
            if (version == null) {
                return fail("FILE is not an m.room.create event: say which room version it belongs to with --room-version");
            }

            boolean ok = true;
            out.println("room_version: " + version.id());
            Pdu pdu;
            try {
                pdu = Pdu.fromJson(json, version);
            } catch (ProtocolException e) {
                out.println("format:       FAILED " + e.getMessage());
                out.flush();
                return 1;
            }
            out.println("event_id:     " + pdu.eventId());
            out.println("room_id:      " + pdu.roomId());
            out.println("format:       ok");
            boolean hashMatches = EventSigning.checkContentHash(json, version).matched();
            ok &= hashMatches;
            out.println("content_hash: " + (hashMatches ? "ok"
                    : "MISMATCH (a server keeps only the redacted form of this event)"));
            ok &= checkSignatures(out, json, version);
            out.flush();
            return ok ? 0 : 1;
        }

        /** Checks the signature of every server the event needs one from, one output line each. */
        private boolean checkSignatures(PrintWriter out, ObjectNode json, RoomVersion version) {
            Set<ServerName> signers;
            try {
                signers = EventSigning.requiredSigners(json);
            } catch (ProtocolException e) {
                out.println("signatures:   FAILED " + e.getMessage());
                return false;
            }
            Map<ServerName, ServerKeys> keys = new HashMap<>();
            for (Path path : serverKeys) {
                try {
                    ObjectNode document = CanonicalJson.parseObject(Files.readAllBytes(path));
                    for (ServerName signer : signers) {
                        if (signer.value().equals(document.path("server_name").asText())) {
                            keys.put(signer, ServerKeysDocument.parse(document, signer)
                                    .toServerKeys(System.currentTimeMillis()));
                        }
                    }
                } catch (IOException e) {
                    out.println("signatures:   FAILED cannot read " + path + ": " + e.getMessage());
                    return false;
                } catch (ProtocolException e) {
                    out.println("signatures:   FAILED key document " + path + ": " + e.getMessage());
                    return false;
                }
            }
            boolean ok = true;
            for (ServerName signer : signers) {
                ServerKeys serverKeys = keys.get(signer);
                if (serverKeys == null) {
                    out.println("signatures:   not checked (no --server-keys document for " + signer + ")");
                    continue;
                }
                try {
                    EventSigning.verify(json, version, serverKeys);
                    out.println("signatures:   ok (" + signer + ")");
                } catch (ProtocolException e) {
                    out.println("signatures:   FAILED " + signer + ": " + e.getMessage());
                    ok = false;
                }
            }
            return ok;
        }

        private static RoomVersion versionFromCreateEvent(ObjectNode json) {
            if (!EventTypes.CREATE.equals(json.path("type").asText()) || !"".equals(json.path("state_key").asText(null))) {
                return null;
            }
            JsonNode id = json.path("content").get("room_version");
            // Spec: a create event without room_version is a version 1 room, which Starling does not support.
            return RoomVersion.fromId(id == null ? "1" : id.asText());
        }

        private int fail(String message) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("starling event verify: " + message);
            err.flush();
            return 2;
        }
    }
}
