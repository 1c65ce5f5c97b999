package dev.starling.server.federation.events;

import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.ServerName;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PDUs refused only because their gap stayed open ({@code get_missing_events} at the origin failed: the origin
 * unreachable for a moment, or not yet counting this server in the room — after a partition it may have seen our
 * last member banned before it sees the join that brought us back) are tried again after each of
 * {@link #DELAYS}, under the same locks as a received transaction. The transaction was already answered with
 * the refusal; nothing waits on a retry. At most {@link #MAX_PENDING} events wait at once, {@link #MAX_PER_ORIGIN}
 * of one origin (more are not retried: the origin's next event naming them fills the gap then, as before). Nothing
 * survives a restart. {@link #close()} stops every retry.
 */
final class GapRetries implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GapRetries.class);
    static final List<Duration> DELAYS = List.of(Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(30));
    static final int MAX_PENDING = 1_000;
    static final int MAX_PER_ORIGIN = 100;

    /** One more try of a PDU; true when it is settled (accepted, or refused for another reason). */
    interface Attempt {
        boolean settled();
    }

    private record Waiting(ServerName origin, Thread thread) {}

    private final List<Duration> delays;
    private final Map<EventId, Waiting> pending = new ConcurrentHashMap<>();
    private final Map<ServerName, Integer> perOrigin = new ConcurrentHashMap<>();
    private volatile boolean closed;

    GapRetries() {
        this(DELAYS);
    }

    GapRetries(List<Duration> delays) {
        this.delays = List.copyOf(delays);
    }

    /**
     * Makes {@code attempt} for the PDU {@code id} of {@code origin} after each delay until it is settled; false
     * when it is not taken (that PDU already waiting, a limit reached, closed).
     */
    synchronized boolean schedule(ServerName origin, EventId id, Attempt attempt) {
        if (closed || pending.containsKey(id) || pending.size() >= MAX_PENDING
                || perOrigin.getOrDefault(origin, 0) >= MAX_PER_ORIGIN) {
            return false;
        }
        Thread thread = Thread.ofVirtual().name("gap-retry").unstarted(() -> run(origin, id, attempt));
        pending.put(id, new Waiting(origin, thread));
        perOrigin.merge(origin, 1, Integer::sum);
        thread.start();
        return true;
    }

    /** Events waiting for a retry (tests). */
    int pending() {
        return pending.size();
    }

    private void run(ServerName origin, EventId id, Attempt attempt) {
        try {
            for (Duration delay : delays) {
                Thread.sleep(delay);
                if (closed) {
                    return;
                }
                if (attempt.settled()) {
                    return;
                }
            }
            LOG.info("gap still open after retries, pdu dropped origin={} event_id={} retries={}", origin, id,
                    delays.size());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("pdu retry failed origin={} event_id={} error={}", origin, id, e.toString());
        } finally {
            done(origin, id);
        }
    }

    private synchronized void done(ServerName origin, EventId id) {
        if (pending.remove(id) != null) {
            perOrigin.computeIfPresent(origin, (o, n) -> n > 1 ? n - 1 : null);
        }
    }

    /** Stops every retry and waits (briefly) for one under way to finish: the database closes after this. */
    @Override
    public void close() {
        List<Waiting> waiting;
        synchronized (this) {
            closed = true;
            waiting = List.copyOf(pending.values());
        }
        waiting.forEach(w -> w.thread().interrupt());
        for (Waiting w : waiting) {
            try {
                w.thread().join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
