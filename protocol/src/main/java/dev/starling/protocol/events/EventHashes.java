package dev.starling.protocol.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.protocol.rooms.RoomVersion;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Content hashes and reference hashes (spec: Server-Server API, "Calculating the content hash for an event"
 * and "Calculating the reference hash for an event").
 */
public final class EventHashes {
    private static final Base64.Encoder STANDARD = Base64.getEncoder().withoutPadding();
    private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();

    private EventHashes() {}

    /** SHA-256 over the canonical JSON of the event without {@code unsigned}, {@code signatures}, {@code hashes}. */
    public static byte[] contentHash(ObjectNode event) {
        ObjectNode copy = event.deepCopy();
        copy.remove("unsigned");
        copy.remove("signatures");
        copy.remove("hashes");
        return sha256(CanonicalJson.encode(copy));
    }

    /** The content hash as it appears in {@code hashes.sha256}: unpadded standard base64. */
    public static String contentHashBase64(ObjectNode event) {
        return STANDARD.encodeToString(contentHash(event));
    }

    /** Returns a copy of the event with {@code hashes.sha256} set to its content hash. */
    public static ObjectNode withContentHash(ObjectNode event) {
        ObjectNode copy = event.deepCopy();
        copy.putObject("hashes").put("sha256", contentHashBase64(event));
        return copy;
    }

    /** True when {@code hashes.sha256} is present and equals the event's content hash. */
    public static boolean contentHashMatches(ObjectNode event) {
        JsonNode hashes = event.get("hashes");
        JsonNode claimed = hashes == null ? null : hashes.get("sha256");
        if (claimed == null || !claimed.isTextual()) {
            return false;
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(claimed.textValue());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return decoded.length == 32 && MessageDigest.isEqual(decoded, contentHash(event));
    }

    /** SHA-256 over the canonical JSON of the redacted event without {@code signatures} and {@code unsigned}. */
    public static byte[] referenceHash(ObjectNode event, RoomVersion version) {
        ObjectNode redacted = Redaction.redact(event, version);
        redacted.remove("signatures");
        redacted.remove("unsigned");
        redacted.remove("age_ts");
        return sha256(CanonicalJson.encode(redacted));
    }

    /** The reference hash as used in event IDs and v12 room IDs: unpadded URL-safe base64. */
    public static String referenceHashUrlSafe(ObjectNode event, RoomVersion version) {
        return URL_SAFE.encodeToString(referenceHash(event, version));
    }

    /** Unpadded standard base64, as in {@code hashes.sha256} and signatures. */
    static String base64(byte[] bytes) {
        return STANDARD.encodeToString(bytes);
    }

    /** Unpadded URL-safe base64, as in event IDs. */
    static String urlSafeBase64(byte[] bytes) {
        return URL_SAFE.encodeToString(bytes);
    }

    static byte[] sha256(byte[] data) {
        try {
            // A clone of a prototype skips the provider lookup of MessageDigest.getInstance on every hash.
            return ((MessageDigest) SHA256.clone()).digest(data);
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 is cloneable", e);
        }
    }

    private static final MessageDigest SHA256 = newSha256();

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always provides SHA-256", e);
        }
    }
}
