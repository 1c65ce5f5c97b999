package dev.starling.server.federation.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.crypto.EventSigning;
import dev.starling.protocol.crypto.JsonSignatures;
import dev.starling.protocol.crypto.ServerKeys;
import dev.starling.protocol.crypto.VerifyKeyWithExpiry;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.rooms.RoomVersion;
import dev.starling.server.federation.keys.KeyRing;
import java.util.HashMap;
import java.util.Map;

/**
 * Step 2 of the checks on receipt of a PDU (Server-Server API § Validating hashes and signatures on received
 * events): every server {@link EventSigning#requiredSigners} names (the sender's server; for a restricted join
 * the authorising user's server) must have signed the redacted event with a key valid at its
 * {@code origin_server_ts}, keys coming through the {@link KeyRing} (SECURITY.md item 8).
 */
final class PduSignatures {
    private final KeyRing keyRing;

    PduSignatures(KeyRing keyRing) {
        this.keyRing = keyRing;
    }

    /** @throws dev.starling.protocol.crypto.SignatureException naming what is missing or wrong */
    void verify(ObjectNode event, RoomVersion version, long originServerTs) {
        for (ServerName server : EventSigning.requiredSigners(event)) {
            Map<KeyId, VerifyKeyWithExpiry> keys = new HashMap<>();
            for (String id : JsonSignatures.signingKeyIds(event, server.value())) {
                KeyId keyId;
                try {
                    keyId = KeyId.parse(id);
                } catch (InvalidIdentifierException e) {
                    continue;
                }
                keyRing.verifyKey(server, keyId, originServerTs).ifPresent(k -> keys.put(keyId, k));
            }
            EventSigning.verify(event, version, new ServerKeys(server, keys));
        }
    }
}
