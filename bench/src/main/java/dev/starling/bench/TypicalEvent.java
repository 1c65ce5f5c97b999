package dev.starling.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.crypto.EventSigning;
import dev.starling.protocol.crypto.ServerKeys;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.crypto.VerifyKeyWithExpiry;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Redaction;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.protocol.rooms.RoomVersion;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;

/**
 * A typical {@code m.room.message} as a server receives it over federation: a short plain text message with
 * one prev event, its auth events (create event, power levels, sender's membership; no create event in room
 * version 12), content hash and one ed25519 signature by the sender's server, and {@code unsigned.age}: 670 bytes
 * of canonical JSON in room version 11, 649 in v12 (kept within 400 to 700 by {@link #requireTypicalSize}); the
 * four event IDs and the signature alone take about 300.
 */
public final class TypicalEvent {
    public static final ServerName SERVER = ServerName.parse(SyntheticRoom.SERVER);
    /** A fixed key, so that every run signs and verifies the same bytes. */
    public static final SigningKey KEY = SigningKey.fromSeed(KeyId.parse("ed25519:a_bench"), seed());
    /** The sender server's keys, valid for ever. */
    public static final ServerKeys KEYS = ServerKeys.of(SERVER, new VerifyKeyWithExpiry(KEY.verifyKey(), Long.MAX_VALUE));

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private TypicalEvent() {}

    /** The event before hashing and signing, as its sender's server builds it. */
    public static ObjectNode unsignedEvent(RoomVersion version) {
        ObjectNode json = JSON.objectNode();
        json.put("type", EventTypes.MESSAGE);
        json.put("sender", "@alice:" + SyntheticRoom.SERVER);
        json.put("room_id", version.roomIdIsCreateEventHash() ? "!" + hashId("create") : "!bench:" + SyntheticRoom.SERVER);
        ObjectNode content = json.putObject("content");
        content.put("msgtype", "m.text");
        content.put("body", "Are we still on for the federation test at 15:00?");
        ArrayNode prev = json.putArray("prev_events");
        prev.add("$" + hashId("prev"));
        ArrayNode auth = json.putArray("auth_events");
        for (String name : version.roomIdIsCreateEventHash() ? List.of("power_levels", "member")
                : List.of("create", "power_levels", "member")) {
            auth.add("$" + hashId(name));
        }
        json.put("depth", 4711);
        json.put("origin_server_ts", 1_700_000_123_456L);
        return json;
    }

    /** The event hashed and signed by {@link #KEY}, with {@code unsigned.age} as received. */
    public static ObjectNode signedEvent(RoomVersion version) {
        ObjectNode signed = EventSigning.sign(unsignedEvent(version), version, SERVER, KEY);
        signed.putObject("unsigned").put("age", 1234);
        return signed;
    }

    /** The bytes an event's signatures cover: the canonical JSON of its redacted form without signatures. */
    public static byte[] signingBytes(ObjectNode event, RoomVersion version) {
        ObjectNode redacted = Redaction.redact(event, version);
        redacted.remove("signatures");
        redacted.remove("unsigned");
        return CanonicalJson.encode(redacted);
    }

    /** Throws unless the event is a typical size (400 to 700 bytes of canonical JSON); returns the size. */
    public static int requireTypicalSize(ObjectNode event) {
        int size = CanonicalJson.encode(event).length;
        if (size < 400 || size > 700) {
            throw new IllegalStateException("the typical event is " + size + " bytes, expected 400 to 700");
        }
        return size;
    }

    /** A fixed 43-character URL-safe base64 string, as in a hash-form event ID. */
    private static String hashId(String name) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(name));
    }

    /** The 32-byte seed of {@link #KEY} (a copy). */
    static byte[] seed() {
        return sha256("starling bench signing key");
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
