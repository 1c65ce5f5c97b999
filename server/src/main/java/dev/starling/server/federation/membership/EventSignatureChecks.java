package dev.starling.server.federation.membership;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.crypto.EventSigning;
import dev.starling.protocol.crypto.JsonSignatures;
import dev.starling.protocol.crypto.ServerKeys;
import dev.starling.protocol.crypto.SignatureException;
import dev.starling.protocol.crypto.VerifyKey;
import dev.starling.protocol.crypto.VerifyKeyWithExpiry;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.rooms.RoomVersion;
import dev.starling.server.federation.keys.KeyRing;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Event signatures checked in bulk (Server-Server API § Validating hashes and signatures on received events;
 * SECURITY.md item 8): first every (server, key ID) the events name is collected, each server's keys are
 * looked up once through the {@link KeyRing} (one fetch per server at most, not one per event), then the
 * signatures are verified in parallel. Keys are taken whatever their validity; {@link EventSigning#verify}
 * then holds each key's {@code valid_until_ts} against the event's {@code origin_server_ts}. Thread-safe.
 */
final class EventSignatureChecks {
    private final KeyRing keyRing;

    EventSignatureChecks(KeyRing keyRing) {
        this.keyRing = keyRing;
    }

    /** @throws SignatureException for an event that lacks a signature it needs or whose signature fails */
    void verifyAll(List<ObjectNode> events, RoomVersion version) {
        Map<ServerName, Set<KeyId>> wanted = new HashMap<>();
        for (ObjectNode event : events) {
            for (ServerName server : EventSigning.requiredSigners(event)) {
                Set<KeyId> ids = wanted.computeIfAbsent(server, s -> new LinkedHashSet<>());
                for (String id : JsonSignatures.signingKeyIds(event, server.value())) {
                    try {
                        KeyId keyId = KeyId.parse(id);
                        if (VerifyKey.ED25519.equals(keyId.algorithm())) {
                            ids.add(keyId);
                        }
                    } catch (InvalidIdentifierException e) {
                        // an unknown key format is skipped, as EventSigning.verify does
                    }
                }
            }
        }
        Map<ServerName, ServerKeys> keys = new HashMap<>();
        wanted.forEach((server, ids) -> keys.put(server, keysOf(server, ids)));
        RuntimeException[] first = new RuntimeException[1];
        events.parallelStream().forEach(event -> {
            try {
                for (ServerName server : EventSigning.requiredSigners(event)) {
                    EventSigning.verify(event, version, keys.get(server));
                }
            } catch (RuntimeException e) {
                synchronized (first) {
                    if (first[0] == null) {
                        first[0] = new SignatureException(SignatureException.Problem.BAD_SIGNATURE,
                                "event " + event.path("type").asText() + " from " + event.path("sender").asText()
                                        + ": " + e.getMessage());
                    }
                }
            }
        });
        if (first[0] != null) {
            throw first[0];
        }
    }

    /** Checks one server's signature on one event. */
    void verify(ObjectNode event, RoomVersion version, ServerName server) {
        Set<KeyId> ids = new LinkedHashSet<>();
        for (String id : JsonSignatures.signingKeyIds(event, server.value())) {
            try {
                ids.add(KeyId.parse(id));
            } catch (InvalidIdentifierException e) {
                // skipped
            }
        }
        EventSigning.verify(event, version, keysOf(server, ids));
    }

    private ServerKeys keysOf(ServerName server, Set<KeyId> ids) {
        Map<KeyId, VerifyKeyWithExpiry> found = new HashMap<>();
        for (KeyId id : ids) {
            // atTs = MIN: any key the server has or had; the event's own time is checked by EventSigning.verify.
            keyRing.verifyKey(server, id, Long.MIN_VALUE).ifPresent(key -> found.put(id, key));
        }
        return new ServerKeys(server, found);
    }
}
