package dev.starling.protocol.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.EventHashes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.Redaction;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.protocol.rooms.RoomVersion;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Hashing, signing and checking events (spec: Server-Server API, "Signing Events"; SECURITY item 8).
 * The inputs are never modified.
 */
public final class EventSigning {
    private EventSigning() {}

    /** The outcome of {@link #checkContentHash}: the event to keep, and whether its content hash matched. */
    public record ContentHashCheck(ObjectNode event, boolean matched) {
        public ContentHashCheck {
            Objects.requireNonNull(event, "event");
        }
    }

    /**
     * Returns a copy of the event with its content hash in {@code hashes.sha256} and the signature of
     * {@code server} with {@code key} in {@code signatures}, next to any signatures already there
     * ("Adding hashes and signatures to outgoing events"): the hashed event is redacted with the rules of
     * {@code version}, the redacted form is signed, and its signatures are copied into the full event.
     */
    public static ObjectNode sign(ObjectNode event, RoomVersion version, ServerName server, SigningKey key) {
        ObjectNode hashed = EventHashes.withContentHash(event);
        ObjectNode signedRedacted = JsonSignatures.sign(Redaction.redact(hashed, version), server.value(), key);
        hashed.set("signatures", signedRedacted.get("signatures").deepCopy());
        return hashed;
    }

    /**
     * A new event of this server, hashed, signed and checked in one pass ({@link Pdu#signNew}): the same event
     * and ID as {@code Pdu.fromJson(sign(event, version, server, key), version)}, with each canonical encoding
     * made once.
     *
     * @param event the event without {@code hashes}, {@code signatures} and {@code unsigned}; not modified
     * @throws dev.starling.protocol.events.InvalidEventException if it breaks the format or size limits
     */
    public static Pdu signNew(ObjectNode event, RoomVersion version, ServerName server, SigningKey key) {
        return Pdu.signNew(event, version, server.value(), key.keyId().toString(), key::sign);
    }

    /**
     * The server whose signature an event needs: the server of its {@code sender} (room versions 3 and later).
     * {@link #requiredSigners} adds the servers some member events also need.
     *
     * @throws SignatureException with {@code MALFORMED_OBJECT} when {@code sender} is not a user ID
     */
    public static ServerName requiredSigner(ObjectNode event) {
        JsonNode sender = event.get("sender");
        if (sender == null || !sender.isTextual()) {
            throw new SignatureException(SignatureException.Problem.MALFORMED_OBJECT, "event has no string sender");
        }
        try {
            return UserId.parse(sender.textValue()).server();
        } catch (InvalidIdentifierException e) {
            throw new SignatureException(SignatureException.Problem.MALFORMED_OBJECT, "sender is not a user ID");
        }
    }

    /**
     * Every server whose signature an event needs (spec: Server-Server API, "Validating hashes and signatures
     * on received events"): the sender's server and, for an {@code m.room.member} join that names a
     * {@code join_authorised_via_users_server}, that user's server (auth rule 4.2, v12: 5.2). The caller checks
     * each with {@link #verify}.
     *
     * @throws SignatureException with {@code MALFORMED_OBJECT} when {@code sender} or the authorising user is
     *     not a user ID
     */
    public static Set<ServerName> requiredSigners(ObjectNode event) {
        Set<ServerName> servers = new LinkedHashSet<>();
        servers.add(requiredSigner(event));
        JsonNode content = event.get("content");
        JsonNode authoriser = content == null ? null : content.get("join_authorised_via_users_server");
        if ("m.room.member".equals(event.path("type").asText()) && authoriser != null
                && "join".equals(content.path("membership").asText())) {
            try {
                servers.add(UserId.parse(authoriser.asText()).server());
            } catch (InvalidIdentifierException e) {
                throw new SignatureException(SignatureException.Problem.MALFORMED_OBJECT,
                        "join_authorised_via_users_server is not a user ID");
            }
        }
        return Collections.unmodifiableSet(servers);
    }

    /**
     * Checks the signatures of {@code keys.server()} on the redacted form of the event ("Validating hashes and
     * signatures on received events"), so the full event and a redacted copy both pass.
     *
     * <p>Signatures with algorithms other than ed25519 and by keys not in {@code keys} are skipped, and so are
     * keys whose validity ended before the event's {@code origin_server_ts}. Every remaining signature must
     * verify, and there must be at least one.
     *
     * @throws SignatureException naming the problem: no signature by the server ({@code MISSING_SIGNATURE}),
     *     only unknown keys ({@code UNKNOWN_KEY}), only keys expired at the event's time ({@code EXPIRED_KEY}),
     *     or a signature that is malformed or does not verify
     */
    public static void verify(ObjectNode event, RoomVersion version, ServerKeys keys) {
        String entity = keys.server().value();
        JsonNode ts = event.get("origin_server_ts");
        if (ts == null || !ts.isIntegralNumber() || !ts.canConvertToLong()) {
            throw new SignatureException(SignatureException.Problem.MALFORMED_OBJECT,
                    "event has no integer origin_server_ts");
        }
        long originServerTs = ts.longValue();
        ObjectNode redacted = Redaction.redact(event, version);
        var keyIds = JsonSignatures.signingKeyIds(redacted, entity);
        if (keyIds.isEmpty()) {
            throw new SignatureException(SignatureException.Problem.MISSING_SIGNATURE, "no signature by " + entity);
        }
        // The redacted form is our own copy: take the signatures out of it instead of copying it again.
        JsonNode signatures = redacted.remove("signatures");
        redacted.remove("unsigned");
        byte[] message = CanonicalJson.encode(redacted);
        redacted.set("signatures", signatures);
        int verified = 0;
        int expired = 0;
        for (String id : keyIds) {
            KeyId keyId;
            try {
                keyId = KeyId.parse(id);
            } catch (InvalidIdentifierException e) {
                continue;
            }
            if (!VerifyKey.ED25519.equals(keyId.algorithm())) {
                continue;
            }
            VerifyKeyWithExpiry known = keys.find(keyId).orElse(null);
            if (known == null) {
                continue;
            }
            if (!known.validAt(originServerTs)) {
                expired++;
                continue;
            }
            JsonSignatures.verifyEncoded(message, JsonSignatures.signature(redacted, entity, id), entity, known.key());
            verified++;
        }
        if (verified == 0) {
            if (expired > 0) {
                throw new SignatureException(SignatureException.Problem.EXPIRED_KEY,
                        "every known key of " + entity + " that signed had expired before origin_server_ts "
                                + originServerTs);
            }
            throw new SignatureException(SignatureException.Problem.UNKNOWN_KEY,
                    entity + " signed only with keys we do not know");
        }
    }

    /**
     * Checks the content hash. When it matches, the result holds a copy of the event; when it does not (or
     * {@code hashes.sha256} is missing or malformed), the event is taken to have been redacted in transit
     * and the result holds the redacted form, which is what must be stored (SECURITY item 8).
     */
    public static ContentHashCheck checkContentHash(ObjectNode event, RoomVersion version) {
        if (EventHashes.contentHashMatches(event)) {
            return new ContentHashCheck(event.deepCopy(), true);
        }
        return new ContentHashCheck(Redaction.redact(event, version), false);
    }
}
