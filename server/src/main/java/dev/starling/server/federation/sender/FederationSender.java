package dev.starling.server.federation.sender;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.ServerName;
import dev.starling.server.federation.FederationClient;
import dev.starling.server.storage.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound side of federation: a durable queue per destination server (tables of migration V13), one
 * {@link DestinationSender} per destination, and the {@link OutboundStreams} that turn local events, receipts and
 * device-list changes into queued work. A destination that contacts us ({@link #contacted}) has its backoff
 * cleared and its queue sent at once. Thread-safe.
 */
public final class FederationSender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FederationSender.class);

    private final ServerName self;
    private final Database db;
    private final FederationClient client;
    private final Backoff backoff;
    private final Clock clock;
    private final RandomGenerator random;
    private final ConcurrentHashMap<ServerName, DestinationSender> senders = new ConcurrentHashMap<>();
    private final OutboundStreams streams;
    private volatile boolean closed;

    public FederationSender(ServerName self, Database db, FederationClient client, Backoff backoff, Clock clock,
            RandomGenerator random) {
        this.self = self;
        this.db = db;
        this.client = client;
        this.backoff = backoff;
        this.clock = clock;
        this.random = random;
        this.streams = new OutboundStreams(self, db, this);
    }

    /** Resumes every destination with something queued (after a restart) and starts watching local streams. */
    public void start() {
        List<ServerName> waiting = db.read(QueueStore::destinationsWithWork);
        waiting.forEach(this::wake);
        // The others we share a room with get one (empty) transaction: they learn we are back and flush what
        // they queued for us now, instead of at the end of their backoff (which may be an hour).
        java.util.Set<ServerName> peers = db.read(c -> Destinations.sharingRooms(c, self));
        peers.removeAll(waiting);
        peers.forEach(peer -> sender(peer).announce());
        LOG.info("federation sender started destinations_with_work={} announced_to={}", waiting.size(), peers.size());
        streams.start();
    }

    /** Something committed locally (a room event, a receipt, a device-list change): look for work. Quick. */
    public void localChange() {
        streams.poke();
    }

    /**
     * A server authenticated a request to us: it is up. Clears its backoff and sends its queue now. Cheap when
     * the destination was not backing off (no database write).
     */
    public void contacted(ServerName origin) {
        if (closed || origin.equals(self)) {
            return;
        }
        DestinationSender sender = senders.get(origin);
        if (sender != null && sender.backingOff()) {
            db.inTransaction(c -> {
                QueueStore.resetBackoff(c, origin);
                return null;
            });
            LOG.info("federation destination is back destination={}", origin);
            sender.wake();
        }
    }

    /** In a caller's transaction: queues a durable EDU for each destination (call {@link #wake} after commit). */
    public static void queueEdu(Connection c, Collection<ServerName> destinations, String type, ObjectNode content)
            throws SQLException {
        for (ServerName destination : destinations) {
            QueueStore.queueEdu(c, destination, type, content);
        }
    }

    /** Queues a durable EDU for each destination in its own transaction, and sends. */
    public void sendEdu(Collection<ServerName> destinations, String type, ObjectNode content) {
        List<ServerName> others = destinations.stream().filter(d -> !d.equals(self)).distinct().toList();
        if (others.isEmpty()) {
            return;
        }
        db.inTransaction(c -> {
            queueEdu(c, others, type, content);
            return null;
        });
        others.forEach(this::wake);
    }

    /** Sends an EDU that need not survive a restart or an outage (typing) to each destination. */
    public void sendEphemeral(Collection<ServerName> destinations, String type, ObjectNode content) {
        for (ServerName destination : destinations) {
            if (!destination.equals(self) && !closed) {
                sender(destination).addEphemeral(type, content.deepCopy());
            }
        }
    }

    /** There may be new queued work for the destination. */
    public void wake(ServerName destination) {
        if (!closed && !destination.equals(self)) {
            sender(destination).wake();
        }
    }

    private DestinationSender sender(ServerName destination) {
        return senders.computeIfAbsent(destination,
                d -> new DestinationSender(self, d, db, client, backoff, clock, random));
    }

    @Override
    public void close() {
        closed = true;
        streams.close();
        senders.values().forEach(DestinationSender::close);
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
        senders.values().forEach(sender -> sender.awaitStopped(deadline));
    }
}
