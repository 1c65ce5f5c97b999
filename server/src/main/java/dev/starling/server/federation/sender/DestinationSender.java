package dev.starling.server.federation.sender;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.server.federation.FederationClient;
import dev.starling.server.storage.Database;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one destination's queue, one transaction at a time, on a virtual thread that runs while there is
 * work and ends when the queue is empty. What the destination acknowledged (a 200) is deleted; a failure
 * leaves the queue as it is and sets the next attempt after the {@link Backoff}. Thread-safe.
 */
final class DestinationSender {
    private static final Logger LOG = LoggerFactory.getLogger(DestinationSender.class);
    /** Server-Server API § Transactions: at most 50 PDUs and 100 EDUs per transaction. */
    static final int MAX_PDUS = 50;
    static final int MAX_EDUS = 100;
    /** Ephemeral EDUs (typing) kept at most for a destination; older ones are dropped. */
    private static final int MAX_EPHEMERAL = 100;

    private final ServerName origin;
    private final ServerName destination;
    private final Database db;
    private final FederationClient client;
    private final Backoff backoff;
    private final Clock clock;
    private final RandomGenerator random;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition poked = lock.newCondition();
    private final Deque<ObjectNode> ephemeral = new ArrayDeque<>();
    private boolean pending;
    private boolean running;
    private boolean closed;
    private volatile boolean backingOff;
    private volatile boolean announce;
    private Thread thread;

    DestinationSender(ServerName origin, ServerName destination, Database db, FederationClient client, Backoff backoff,
            Clock clock, RandomGenerator random) {
        this.origin = origin;
        this.destination = destination;
        this.db = db;
        this.client = client;
        this.backoff = backoff;
        this.clock = clock;
        this.random = random;
    }

    /** There may be new work: starts the sending thread if it is not running, else makes it look again. */
    void wake() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            pending = true;
            poked.signalAll();
            if (!running) {
                running = true;
                thread = Thread.ofVirtual().name("federation-sender-" + destination).start(this::run);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends one transaction even if nothing is queued (an empty one, once): after our restart it tells the
     * destination we are back, so it sends us what it queued for us at once instead of at its next retry.
     */
    void announce() {
        announce = true;
        wake();
    }

    /** Adds an EDU that need not survive a restart (typing); dropped if the destination is unreachable. */
    void addEphemeral(String type, ObjectNode content) {
        lock.lock();
        try {
            if (ephemeral.size() >= MAX_EPHEMERAL) {
                ephemeral.removeFirst();
            }
            ephemeral.addLast(JsonNodeFactory.instance.objectNode().put("edu_type", type).set("content", content));
        } finally {
            lock.unlock();
        }
        wake();
    }

    /** Whether the last attempt failed (the destination is waiting out its backoff). */
    boolean backingOff() {
        return backingOff;
    }

    /** Stops sending: the thread ends after its current step (an outbound request is interrupted). */
    void close() {
        lock.lock();
        try {
            closed = true;
            poked.signalAll();
            if (thread != null) {
                thread.interrupt();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the thread has ended, at most until {@code deadlineNanos} ({@code System.nanoTime}). */
    void awaitStopped(long deadlineNanos) {
        Thread t;
        lock.lock();
        try {
            t = thread;
        } finally {
            lock.unlock();
        }
        if (t == null) {
            return;
        }
        try {
            t.join(java.time.Duration.ofNanos(Math.max(1, deadlineNanos - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        try {
            while (true) {
                QueueStore.DestinationState state = db.read(c -> QueueStore.state(c, destination));
                long now = clock.millis();
                backingOff = state.retryCount() > 0;
                lock.lock();
                try {
                    if (closed) {
                        return;
                    }
                    if (state.nextAttemptTs() > now) {
                        ephemeral.clear(); // not worth keeping for a destination that is down
                        poked.await(state.nextAttemptTs() - now, TimeUnit.MILLISECONDS);
                        continue;
                    }
                    pending = false;
                } finally {
                    lock.unlock();
                }
                if (!sendOne(state)) {
                    lock.lock();
                    try {
                        if (!pending || closed) {
                            running = false;
                            return;
                        }
                    } finally {
                        lock.unlock();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            markStopped();
        } catch (RuntimeException e) {
            // the database closed under us (shutdown) or a bug: stop; the queue is durable, the next wake resumes
            LOG.warn("federation sender stopped destination={} error={}", destination, e.toString());
            markStopped();
        }
    }

    private void markStopped() {
        lock.lock();
        try {
            running = false;
        } finally {
            lock.unlock();
        }
    }

    /** Sends one transaction if there is anything; returns false when the queue was empty. */
    private boolean sendOne(QueueStore.DestinationState state) {
        List<QueueStore.QueuedPdu> pdus = db.read(c -> QueueStore.pdus(c, destination, MAX_PDUS));
        List<ObjectNode> volatileEdus = new ArrayList<>();
        lock.lock();
        try {
            while (!ephemeral.isEmpty() && volatileEdus.size() < MAX_EDUS) {
                volatileEdus.add(ephemeral.removeFirst());
            }
        } finally {
            lock.unlock();
        }
        List<QueueStore.QueuedEdu> edus = db.read(c -> QueueStore.edus(c, destination, MAX_EDUS - volatileEdus.size()));
        boolean hello = announce;
        announce = false;
        if (pdus.isEmpty() && edus.isEmpty() && volatileEdus.isEmpty() && !hello) {
            return false;
        }
        long txnId = Math.max(state.lastTxnId() + 1, clock.millis());
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("origin", origin.value());
        body.put("origin_server_ts", clock.millis());
        ArrayNode pduArray = body.putArray("pdus");
        for (QueueStore.QueuedPdu pdu : pdus) {
            pduArray.add(CanonicalJson.parseObject(pdu.json().getBytes(StandardCharsets.UTF_8)));
        }
        ArrayNode eduArray = body.putArray("edus");
        for (QueueStore.QueuedEdu edu : edus) {
            eduArray.addObject().put("edu_type", edu.type()).set("content", edu.content());
        }
        volatileEdus.forEach(eduArray::add);
        try {
            ObjectNode answer = client.request(destination, "PUT", "/_matrix/federation/v1/send/" + txnId, body);
            if (isClosed()) {
                return false; // shutting down: the queue stays; sent again after the restart (PDUs are idempotent)
            }
            logPduErrors(answer);
            db.inTransaction(c -> {
                QueueStore.delete(c, destination, pdus, edus);
                QueueStore.putState(c, destination, new QueueStore.DestinationState(0, 0, txnId));
                return null;
            });
            backingOff = false;
            LOG.info("federation transaction sent destination={} txn_id={} pdus={} edus={}", destination, txnId,
                    pdus.size(), edus.size() + volatileEdus.size());
            return true;
        } catch (RuntimeException e) {
            if (isClosed()) {
                return false;
            }
            int retries = state.retryCount() + 1;
            long delay = backoff.delayMillis(retries, random);
            db.inTransaction(c -> {
                QueueStore.putState(c, destination, new QueueStore.DestinationState(retries, clock.millis() + delay,
                        txnId));
                return null;
            });
            backingOff = true;
            LOG.info("federation transaction failed destination={} txn_id={} retries={} next_attempt_in_ms={} error={}",
                    destination, txnId, retries, delay, e.toString());
            return true;
        }
    }

    /** Per-PDU errors (Server-Server API § PUT /send: {@code pdus: {event_id: {error}}}) are logged, not retried. */
    private void logPduErrors(ObjectNode answer) {
        JsonNode results = answer.path("pdus");
        if (!results.isObject()) {
            return;
        }
        for (Map.Entry<String, JsonNode> result : results.properties()) {
            JsonNode error = result.getValue().path("error");
            if (error.isTextual()) {
                LOG.info("federation pdu refused destination={} event_id={} error={}", destination, result.getKey(),
                        error.asText());
            }
        }
    }
}
