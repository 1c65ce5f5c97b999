package dev.starling.protocol.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.protocol.json.InvalidJsonException;
import dev.starling.protocol.rooms.RoomVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A persistent data unit: a room event in the format of its room version, checked against the spec's format
 * rules and limits when built. Signatures, content hash and auth rules are separate steps of the pipeline.
 *
 * <p>Instances are immutable: the JSON tree is copied in and {@link #json()} hands out a copy.
 */
public final class Pdu {
    /** Keys of {@code unsigned} that may be accepted from another server (see {@link #stripUnsigned}). */
    private static final Set<String> UNSIGNED_ALLOWED = Set.of("age");
    private static final Set<String> UNSIGNED_ALLOWED_MEMBER = Set.of("age", "invite_room_state", "knock_room_state");

    private final ObjectNode json;
    private final RoomVersion version;
    private final EventId eventId;
    private final RoomId roomId;
    private final UserId sender;
    private final String type;
    private final String stateKey;
    private final List<EventId> prevEvents;
    private final List<EventId> authEvents;
    private final long depth;
    private final long originServerTs;
    /** The canonical JSON of the whole event when it was computed on the way in (events built here), else null. */
    private final String canonical;

    private Pdu(ObjectNode json, RoomVersion version, EventId knownId) {
        this(json, version, knownId, null);
    }

    /** {@code canonicalBytes}, when given, must be the canonical encoding of {@code json} (the caller computed it). */
    private Pdu(ObjectNode json, RoomVersion version, EventId knownId, byte[] canonicalBytes) {
        this.json = json;
        this.version = version;
        int size = canonicalBytes != null ? canonicalBytes.length : CanonicalJson.encode(json).length;
        this.canonical = canonicalBytes == null ? null : new String(canonicalBytes, StandardCharsets.UTF_8);
        if (size > PduLimits.MAX_EVENT_BYTES) {
            throw new InvalidEventException(InvalidEventException.Problem.TOO_LARGE,
                    "event is " + size + " bytes of canonical JSON; the limit is " + PduLimits.MAX_EVENT_BYTES);
        }
        this.type = requireText("type");
        checkLength("type", type);
        this.sender = identifier("sender", () -> UserId.parse(requireText("sender")));
        JsonNode key = json.get("state_key");
        if (key != null && !key.isTextual()) {
            throw new InvalidEventException(InvalidEventException.Problem.WRONG_TYPE, "state_key must be a string");
        }
        this.stateKey = key == null ? null : key.textValue();
        if (stateKey != null) {
            checkLength("state_key", stateKey);
        }
        if (!(json.get("content") instanceof ObjectNode)) {
            throw new InvalidEventException(json.has("content") ? InvalidEventException.Problem.WRONG_TYPE
                    : InvalidEventException.Problem.MISSING_FIELD, "content must be an object");
        }
        this.depth = requireInteger("depth");
        if (depth < 0 || depth > PduLimits.MAX_DEPTH) {
            throw new InvalidEventException(InvalidEventException.Problem.DEPTH_OUT_OF_RANGE,
                    "depth " + depth + " is outside 0 to 2^53−1");
        }
        this.originServerTs = requireInteger("origin_server_ts");
        this.prevEvents = eventIds("prev_events", PduLimits.MAX_PREV_EVENTS, InvalidEventException.Problem.TOO_MANY_PREV_EVENTS);
        this.authEvents = eventIds("auth_events", PduLimits.MAX_AUTH_EVENTS, InvalidEventException.Problem.TOO_MANY_AUTH_EVENTS);
        JsonNode hashes = json.get("hashes");
        if (!(hashes instanceof ObjectNode) || !hashes.path("sha256").isTextual()) {
            throw new InvalidEventException(hashes == null ? InvalidEventException.Problem.MISSING_FIELD
                    : InvalidEventException.Problem.WRONG_TYPE, "hashes.sha256 must be a string");
        }
        JsonNode signatures = json.get("signatures");
        if (signatures != null && !signatures.isObject()) {
            throw new InvalidEventException(InvalidEventException.Problem.WRONG_TYPE, "signatures must be an object");
        }
        boolean createInV12 = version.roomIdIsCreateEventHash() && isCreateEvent();
        if (createInV12) {
            if (json.has("room_id")) {
                throw new InvalidEventException(InvalidEventException.Problem.FORBIDDEN_FIELD,
                        "a room version " + version.id() + " create event has no room_id");
            }
            this.eventId = knownId != null ? knownId
                    : EventId.fromReferenceHash(EventHashes.referenceHashUrlSafe(json, version));
            this.roomId = RoomId.fromCreateEventHash(eventId.value().substring(1));
        } else {
            this.roomId = identifier("room_id", () -> RoomId.parse(requireText("room_id")));
            if (version.roomIdIsCreateEventHash() && !roomId.isHashForm()) {
                throw new InvalidEventException(InvalidEventException.Problem.BAD_IDENTIFIER,
                        "room version " + version.id() + " room IDs are '!' + the create event's hash");
            }
            if (!version.roomIdIsCreateEventHash() && roomId.isHashForm()) {
                throw new InvalidEventException(InvalidEventException.Problem.BAD_IDENTIFIER,
                        "room version " + version.id() + " room IDs are '!opaque:server'");
            }
            this.eventId = knownId != null ? knownId
                    : EventId.fromReferenceHash(EventHashes.referenceHashUrlSafe(json, version));
        }
        if (version.redactsInContent() && EventTypes.REDACTION.equals(type)) {
            JsonNode redacts = json.get("content").get("redacts");
            if (redacts != null) {
                identifier("content.redacts", () -> EventId.parse(redacts.isTextual() ? redacts.textValue() : ""));
            }
        }
    }

    /** Parses and checks an event received as JSON, computing its event ID from its reference hash. */
    public static Pdu fromJson(ObjectNode json, RoomVersion version) {
        return new Pdu(json.deepCopy(), version, null);
    }

    /** Parses raw JSON bytes strictly (canonical JSON rules), then as {@link #fromJson(ObjectNode, RoomVersion)}. */
    public static Pdu parse(byte[] utf8, RoomVersion version) {
        return new Pdu(CanonicalJson.parseObject(utf8), version, null);
    }

    /**
     * Completes a new event built by this server (spec: Server-Server API, "Adding hashes and signatures to
     * outgoing events") and checks it as {@link #fromJson} does: puts its content hash in {@code hashes.sha256},
     * signs the redacted form with {@code signer} under {@code signatures.<entity>.<keyId>}, and takes the event
     * ID from the reference hash. Each canonical encoding is made once: the reference hash covers exactly the
     * bytes that were signed (the redacted event without {@code signatures} and {@code unsigned}), and the
     * encoding of the whole event used for the size check is kept for {@link #canonicalJson()}. The result is
     * the same event, with the same ID, as {@code fromJson(EventSigning.sign(event, ...), version)}.
     *
     * @param event the event without {@code hashes}, {@code signatures} and {@code unsigned}; not modified
     * @param signer the Ed25519 signature (64 bytes) of the given bytes
     * @throws IllegalArgumentException if the event already has hashes, signatures or unsigned data
     * @throws InvalidEventException if it breaks the format or size limits
     */
    public static Pdu signNew(ObjectNode event, RoomVersion version, String entity, String keyId,
            UnaryOperator<byte[]> signer) {
        for (String field : List.of("hashes", "signatures", "unsigned")) {
            if (event.has(field)) {
                throw new IllegalArgumentException("a new event has no " + field + " yet");
            }
        }
        ObjectNode json = event.deepCopy();
        // Content hash: the event without unsigned, signatures and hashes, which it has none of yet.
        String contentHash = EventHashes.base64(EventHashes.sha256(CanonicalJson.encode(json)));
        json.putObject("hashes").put("sha256", contentHash);
        // The redacted form has no signatures or unsigned either: its encoding is both what is signed and what
        // the reference hash covers (EventHashes.referenceHash removes exactly those, and age_ts, never kept).
        byte[] redacted = CanonicalJson.encode(Redaction.redact(json, version));
        String signature = EventHashes.base64(signer.apply(redacted));
        json.putObject("signatures").putObject(entity).put(keyId, signature);
        EventId id = EventId.fromReferenceHash(EventHashes.urlSafeBase64(EventHashes.sha256(redacted)));
        return new Pdu(json, version, id, CanonicalJson.encode(json));
    }

    /**
     * Builds an event whose ID is already known and trusted, e.g. one loaded from our own storage where it was
     * checked on the way in. The format checks still run; the reference hash is not recomputed.
     */
    public static Pdu withKnownId(ObjectNode json, RoomVersion version, EventId eventId) {
        return new Pdu(json.deepCopy(), version, eventId);
    }

    /**
     * Returns a copy of the event whose {@code unsigned} keeps only the keys another server may send us
     * ({@code age}; for membership events also the stripped invite/knock room state).
     */
    public static ObjectNode stripUnsigned(ObjectNode event) {
        ObjectNode copy = event.deepCopy();
        JsonNode unsigned = copy.get("unsigned");
        if (unsigned == null) {
            return copy;
        }
        if (!(unsigned instanceof ObjectNode object)) {
            copy.remove("unsigned");
            return copy;
        }
        Set<String> allowed = EventTypes.MEMBER.equals(copy.path("type").asText()) ? UNSIGNED_ALLOWED_MEMBER : UNSIGNED_ALLOWED;
        ObjectNode kept = JsonNodeFactory.instance.objectNode();
        object.fields().forEachRemaining(field -> {
            if (allowed.contains(field.getKey())) {
                kept.set(field.getKey(), field.getValue());
            }
        });
        copy.set("unsigned", kept);
        return copy;
    }

    private String requireText(String field) {
        JsonNode node = json.get(field);
        if (node == null) {
            throw new InvalidEventException(InvalidEventException.Problem.MISSING_FIELD, field + " is missing");
        }
        if (!node.isTextual()) {
            throw new InvalidEventException(InvalidEventException.Problem.WRONG_TYPE, field + " must be a string");
        }
        return node.textValue();
    }

    private long requireInteger(String field) {
        JsonNode node = json.get(field);
        if (node == null) {
            throw new InvalidEventException(InvalidEventException.Problem.MISSING_FIELD, field + " is missing");
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new InvalidEventException(InvalidEventException.Problem.WRONG_TYPE, field + " must be an integer");
        }
        return node.longValue();
    }

    private static void checkLength(String field, String value) {
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > PduLimits.MAX_FIELD_BYTES) {
            throw new InvalidEventException(InvalidEventException.Problem.FIELD_TOO_LONG,
                    field + " is " + bytes + " bytes; the limit is " + PduLimits.MAX_FIELD_BYTES);
        }
    }

    private List<EventId> eventIds(String field, int max, InvalidEventException.Problem tooMany) {
        JsonNode node = json.get(field);
        if (node == null) {
            throw new InvalidEventException(InvalidEventException.Problem.MISSING_FIELD, field + " is missing");
        }
        if (!node.isArray()) {
            throw new InvalidEventException(InvalidEventException.Problem.WRONG_TYPE, field + " must be an array");
        }
        if (node.size() > max) {
            throw new InvalidEventException(tooMany, field + " has " + node.size() + " entries; the limit is " + max);
        }
        List<EventId> ids = new ArrayList<>(node.size());
        for (JsonNode element : node) {
            if (!element.isTextual()) {
                throw new InvalidEventException(InvalidEventException.Problem.WRONG_TYPE,
                        field + " must contain event ID strings");
            }
            ids.add(identifier(field, () -> EventId.parse(element.textValue())));
        }
        return List.copyOf(ids);
    }

    private interface IdParser<T> {
        T parse();
    }

    private static <T> T identifier(String field, IdParser<T> parser) {
        try {
            return parser.parse();
        } catch (InvalidIdentifierException e) {
            throw new InvalidEventException(InvalidEventException.Problem.BAD_IDENTIFIER, field + ": " + e.getMessage(), e);
        } catch (InvalidJsonException e) {
            throw new InvalidEventException(InvalidEventException.Problem.WRONG_TYPE, field + ": " + e.getMessage(), e);
        }
    }

    public EventId eventId() {
        return eventId;
    }

    public RoomVersion roomVersion() {
        return version;
    }

    public RoomId roomId() {
        return roomId;
    }

    public UserId sender() {
        return sender;
    }

    public String type() {
        return type;
    }

    /** The state key, present exactly for state events. */
    public Optional<String> stateKey() {
        return Optional.ofNullable(stateKey);
    }

    public boolean isState() {
        return stateKey != null;
    }

    /** The {@code (type, state_key)} of a state event. */
    public StateKey stateTuple() {
        if (stateKey == null) {
            throw new IllegalStateException("not a state event: " + eventId);
        }
        return new StateKey(type, stateKey);
    }

    /** True for this type with an empty state key. */
    public boolean is(String eventType) {
        return type.equals(eventType) && "".equals(stateKey);
    }

    public boolean isCreateEvent() {
        return EventTypes.CREATE.equals(type) && "".equals(stateKey);
    }

    /** A read-only view of the content. Callers must not modify it. */
    public ObjectNode content() {
        return (ObjectNode) json.get("content");
    }

    public List<EventId> prevEvents() {
        return prevEvents;
    }

    public List<EventId> authEvents() {
        return authEvents;
    }

    public long depth() {
        return depth;
    }

    public long originServerTs() {
        return originServerTs;
    }

    /** The event a redaction redacts: top-level {@code redacts} before v11, {@code content.redacts} after. */
    public Optional<EventId> redacts() {
        JsonNode node = version.redactsInContent() ? content().get("redacts") : json.get("redacts");
        if (node == null || !node.isTextual()) {
            return Optional.empty();
        }
        try {
            return Optional.of(EventId.parse(node.textValue()));
        } catch (InvalidIdentifierException e) {
            return Optional.empty();
        }
    }

    /** A copy of the whole event JSON. */
    public ObjectNode json() {
        return json.deepCopy();
    }

    /** The canonical JSON of the whole event. */
    public byte[] canonicalBytes() {
        return canonical != null ? canonical.getBytes(StandardCharsets.UTF_8) : CanonicalJson.encode(json);
    }

    /** The canonical JSON of the whole event as a string (kept from {@link #signNew}, else encoded now). */
    public String canonicalJson() {
        return canonical != null ? canonical : new String(CanonicalJson.encode(json), StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Pdu pdu && pdu.eventId.equals(eventId);
    }

    @Override
    public int hashCode() {
        return eventId.hashCode();
    }

    @Override
    public String toString() {
        return "Pdu[" + eventId + " " + type + (stateKey == null ? "" : " " + stateKey) + " by " + sender + "]";
    }
}
