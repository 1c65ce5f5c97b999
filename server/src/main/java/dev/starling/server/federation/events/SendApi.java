package dev.starling.server.federation.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.ProtocolException;
import dev.starling.protocol.events.EventHashes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.rooms.RoomVersion;
import dev.starling.server.federation.InboundEdus;
import dev.starling.server.http.MatrixException;
import dev.starling.server.http.MatrixRequest;
import dev.starling.server.http.MatrixResponse;
import dev.starling.server.rooms.RemoteEvents;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inbound transactions: the envelope, deduplication by {@code (origin, txnId)}, each PDU through the
 * {@link InboundPipeline} with its own result, each EDU handed to {@link InboundEdus}. Transactions of one
 * origin are handled one at a time (SECURITY.md item 19). A PDU refused because its gap stayed open is tried
 * again later ({@link GapRetries}), under the same locks. Thread-safe; {@link #close()} stops the retries.
 */
public final class SendApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SendApi.class);
    /** Server-Server API § Transactions: at most 50 PDUs and 100 EDUs. */
    public static final int MAX_PDUS = 50;
    public static final int MAX_EDUS = 100;
    /** 150 events of at most 64 KiB each, plus the envelope. */
    public static final long MAX_BODY_BYTES = 10L * 1024 * 1024;
    private static final int STRIPES = 64;

    private final ServerName serverName;
    private final RemoteEvents rooms;
    private final InboundPipeline pipeline;
    private final InboundEdus edus;
    private final TransactionStore transactions;
    private final Clock clock;
    private final ReentrantLock[] originLocks = new ReentrantLock[STRIPES];
    private final GapRetries retries;

    SendApi(ServerName serverName, RemoteEvents rooms, InboundPipeline pipeline, InboundEdus edus,
            TransactionStore transactions, Clock clock) {
        this.serverName = serverName;
        this.rooms = rooms;
        this.pipeline = pipeline;
        this.edus = edus;
        this.transactions = transactions;
        this.clock = clock;
        for (int i = 0; i < STRIPES; i++) {
            originLocks[i] = new ReentrantLock();
        }
        this.retries = new GapRetries();
    }

    /** Stops the retries of refused PDUs (before the database closes). */
    @Override
    public void close() {
        retries.close();
    }

    /** PDUs waiting to be tried again (tests). */
    int retriesPending() {
        return retries.pending();
    }

    /** PUT /_matrix/federation/v1/send/{txnId} — Server-Server API § Transactions. */
    public MatrixResponse send(MatrixRequest request) {
        ServerName origin = request.requireOrigin();
        String txnId = request.pathParam("txnId");
        // Floats are refused per PDU by the canonical JSON of its room version, not for the whole transaction.
        ObjectNode body = request.jsonBodyAllowingFloats();
        JsonNode claimed = body.get("origin");
        if (claimed == null || !claimed.isTextual()) {
            throw MatrixException.badJson("origin must be a string");
        }
        if (!claimed.textValue().equals(origin.value())) {
            throw MatrixException.forbidden("origin " + claimed.textValue() + " is not the server that signed the request");
        }
        JsonNode ts = body.get("origin_server_ts");
        if (ts == null || !ts.isIntegralNumber()) {
            throw MatrixException.badJson("origin_server_ts must be an integer");
        }
        JsonNode pdus = body.get("pdus");
        if (pdus == null || !pdus.isArray()) {
            throw MatrixException.badJson("pdus must be an array");
        }
        if (pdus.size() > MAX_PDUS) {
            throw MatrixException.badJson("a transaction carries at most " + MAX_PDUS + " PDUs");
        }
        JsonNode eduList = body.get("edus");
        if (eduList != null && !eduList.isArray()) {
            throw MatrixException.badJson("edus must be an array");
        }
        if (eduList != null && eduList.size() > MAX_EDUS) {
            throw MatrixException.badJson("a transaction carries at most " + MAX_EDUS + " EDUs");
        }
        ReentrantLock lock = originLock(origin);
        lock.lock();
        try {
            Optional<ObjectNode> earlier = transactions.answer(origin, txnId);
            if (earlier.isPresent()) {
                LOG.info("transaction replayed origin={} txn_id={}", origin, txnId);
                return MatrixResponse.ok(earlier.get());
            }
            ObjectNode answer = JsonNodeFactory.instance.objectNode();
            ObjectNode results = answer.putObject("pdus");
            boolean complete = true;
            // To-device messages first: they carry the Megolm keys for encrypted PDUs of the same transaction, and
            // a client syncing between the two would otherwise get an event it cannot decrypt yet. The other EDUs
            // after the PDUs (a receipt may name an event of this transaction).
            if (eduList != null) {
                for (JsonNode edu : eduList) {
                    if (isToDevice(edu)) {
                        receiveEdu(origin, edu);
                    }
                }
            }
            for (ObjectNode raw : byDepth(pdus)) {
                complete &= receive(origin, raw, results);
            }
            if (eduList != null) {
                for (JsonNode edu : eduList) {
                    if (!isToDevice(edu)) {
                        receiveEdu(origin, edu);
                    }
                }
            }
            if (complete) {
                // After an internal error (say, the database) a replay is processed again: accepted events are
                // known by then, so that is idempotent, and the failed ones get another chance.
                transactions.remember(origin, txnId, answer, clock.millis());
            }
            LOG.info("transaction received origin={} txn_id={} pdus={} edus={}", origin, txnId, pdus.size(),
                    eduList == null ? 0 : eduList.size());
            return MatrixResponse.ok(answer);
        } finally {
            lock.unlock();
        }
    }

    /**
     * One PDU: its result goes under its event ID; one that names no room we know is left out (as Synapse).
     * Returns false after an internal error (not a refusal).
     */
    private boolean receive(ServerName origin, ObjectNode raw, ObjectNode results) {
        Optional<RoomId> roomId = InboundPipeline.roomIdOf(raw).flatMap(SendApi::roomId);
        Optional<RoomVersion> version = roomId.flatMap(rooms::version);
        if (version.isEmpty()) {
            LOG.info("pdu for an unknown room dropped origin={} room_id={}", origin, roomId.orElse(null));
            return true;
        }
        Pdu pdu;
        try {
            pdu = InboundPipeline.parse(raw, version.get());
        } catch (ProtocolException e) {
            eventIdOf(raw, version.get()).ifPresent(id -> results.putObject(id.value())
                    .put("error", "invalid event: " + e.getMessage()));
            return true;
        }
        String id = pdu.eventId().value();
        if (!rooms.serverJoined(roomId.get(), serverName)) {
            results.putObject(id).put("error", "this server has no member in the room");
            return true;
        }
        try {
            rooms.underLock(roomId.get(), () -> {
                pipeline.process(origin, pdu, true);
                return null;
            });
            results.putObject(id);
            return true;
        } catch (InboundPipeline.Refused e) {
            boolean retried = e instanceof InboundPipeline.GapOpen
                    && retries.schedule(origin, pdu.eventId(), () -> retry(origin, pdu));
            LOG.info("pdu not accepted origin={} event_id={} reason={} retried={}", origin, id, e.getMessage(),
                    retried);
            results.putObject(id).put("error", e.getMessage());
            return true;
        } catch (RuntimeException e) {
            LOG.warn("pdu failed origin={} event_id={} error={}", origin, id, e.toString());
            results.putObject(id).put("error", "internal error");
            return false;
        }
    }

    private ReentrantLock originLock(ServerName origin) {
        return originLocks[Math.floorMod(origin.hashCode(), STRIPES)];
    }

    /** One retry of a PDU whose gap stayed open ({@link GapRetries}); true when it is settled either way. */
    private boolean retry(ServerName origin, Pdu pdu) {
        ReentrantLock lock = originLock(origin);
        lock.lock();
        try {
            if (!rooms.serverJoined(pdu.roomId(), serverName)) {
                return true;
            }
            rooms.underLock(pdu.roomId(), () -> {
                pipeline.process(origin, pdu, true);
                return null;
            });
            LOG.info("pdu accepted on retry origin={} event_id={}", origin, pdu.eventId());
            return true;
        } catch (InboundPipeline.GapOpen e) {
            return false;
        } catch (InboundPipeline.Refused e) {
            LOG.info("pdu not accepted on retry origin={} event_id={} reason={}", origin, pdu.eventId(),
                    e.getMessage());
            return true;
        } finally {
            lock.unlock();
        }
    }

    private static boolean isToDevice(JsonNode edu) {
        return edu.path("edu_type").asText().equals("m.direct_to_device");
    }

    private void receiveEdu(ServerName origin, JsonNode edu) {
        if (!(edu instanceof ObjectNode object) || !object.path("edu_type").isTextual()
                || !(object.get("content") instanceof ObjectNode content)) {
            LOG.info("malformed edu dropped origin={}", origin);
            return;
        }
        try {
            edus.receive(origin, object.get("edu_type").textValue(), content);
        } catch (RuntimeException e) {
            LOG.warn("edu handler failed origin={} edu_type={} error={}", origin, object.get("edu_type").textValue(),
                    e.toString());
        }
    }

    /** The PDU objects, shallowest first (so that predecessors in the same transaction come first). */
    private static List<ObjectNode> byDepth(JsonNode pdus) {
        List<ObjectNode> list = new ArrayList<>();
        for (JsonNode pdu : pdus) {
            if (pdu instanceof ObjectNode object) {
                list.add(object);
            }
        }
        list.sort(Comparator.comparingLong(p -> p.path("depth").canConvertToLong() ? p.path("depth").longValue() : 0));
        return list;
    }

    private static Optional<RoomId> roomId(String text) {
        try {
            return Optional.of(RoomId.parse(text));
        } catch (ProtocolException e) {
            return Optional.empty();
        }
    }

    /** The ID of an event that failed the format checks, when its reference hash can still be computed. */
    private static Optional<EventId> eventIdOf(ObjectNode raw, RoomVersion version) {
        try {
            return Optional.of(EventId.fromReferenceHash(EventHashes.referenceHashUrlSafe(Pdu.stripUnsigned(raw),
                    version)));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
