package dev.starling.mesh.store;

import dev.starling.mesh.routing.MessageId;
import dev.starling.mesh.routing.Packet;
import dev.starling.mesh.routing.PeerKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Durable store of messages held for destinations that are unreachable: one append-only log,
 * {@code messages.log} in the directory the caller gives ({@link AppendLog}). A message is held until the
 * next hop acknowledges it ({@link #remove}), its lifetime ends ({@link #expire}), or room is needed for
 * newer ones (oldest first, counted). Messages are indexed in memory by destination; payloads stay on disk.
 *
 * <p>Records: {@code PUT = 1 id:16 origin:32 destination:32 hopLimit:u8 storedAt:u64 expiresAt:u64
 * length:u32 payload} and {@code DEL = 2 id:16}. The log is compacted when dead records outweigh live ones.
 * Not thread-safe.
 */
public final class MessageStore implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MessageStore.class.getName());
    private static final byte PUT = 1;
    private static final byte DEL = 2;
    private static final int PUT_HEADER = 1 + MessageId.LENGTH + 2 * PeerKey.LENGTH + 1 + 8 + 8 + 4;
    private static final long COMPACT_MIN_BYTES = 1024 * 1024;

    /** One held message; the payload is read from the log on demand. */
    private static final class Held {
        final MessageId id;
        final PeerKey origin;
        final PeerKey destination;
        final int hopLimit;
        final long expiresAt;
        final int length;
        long payloadOffset;
        boolean inFlight;

        Held(MessageId id, PeerKey origin, PeerKey destination, int hopLimit, long expiresAt, int length, long payloadOffset) {
            this.id = id;
            this.origin = origin;
            this.destination = destination;
            this.hopLimit = hopLimit;
            this.expiresAt = expiresAt;
            this.length = length;
            this.payloadOffset = payloadOffset;
        }
    }

    private final StoreConfig config;
    private final AppendLog log;
    /** Every held message in arrival order (the oldest first, for dropping). */
    private final LinkedHashMap<MessageId, Held> byId = new LinkedHashMap<>();
    private final Map<PeerKey, LinkedHashMap<MessageId, Held>> byDestination = new HashMap<>();
    private long heldBytes;
    private long liveLogBytes;
    private final StoreStats stats = new StoreStats();

    private MessageStore(StoreConfig config, Path file) throws IOException {
        this.config = config;
        this.log = AppendLog.open(file, config.sync(), this::replay);
    }

    /** Opens (creating) the store in {@code directory}; messages held before a restart are held again. */
    public static MessageStore open(Path directory, StoreConfig config) throws IOException {
        Files.createDirectories(directory);
        return new MessageStore(config, directory.resolve("messages.log"));
    }

    private void replay(ByteBuffer body, long offset) {
        byte type = body.get();
        MessageId id = new MessageId(bytes(body, MessageId.LENGTH));
        if (type == DEL) {
            Held h = byId.get(id);
            if (h != null) {
                unindex(h);
            }
            return;
        }
        PeerKey origin = new PeerKey(bytes(body, PeerKey.LENGTH));
        PeerKey destination = new PeerKey(bytes(body, PeerKey.LENGTH));
        int hopLimit = body.get() & 0xFF;
        body.getLong();
        long expiresAt = body.getLong();
        int length = body.getInt();
        if (!byId.containsKey(id)) {
            index(new Held(id, origin, destination, hopLimit, expiresAt, length, offset + PUT_HEADER));
        }
    }

    /**
     * Holds {@code packet} (durably when the config syncs) until {@link #remove}. Returns false, holding
     * nothing new, when the id is already held or the payload alone is larger than the store.
     */
    public boolean put(Packet.Data packet, long now) {
        if (byId.containsKey(packet.id())) {
            return false;
        }
        int length = packet.payload().length;
        if (length > config.maxBytes()) {
            stats.refusedTooLarge++;
            return false;
        }
        while (heldBytes + length > config.maxBytes() && !byId.isEmpty()) {
            Held oldest = byId.values().iterator().next();
            LOG.log(Level.INFO, "mesh store full: dropped oldest destination={0} bytes={1}", oldest.destination, oldest.length);
            delete(oldest);
            stats.droppedForSpace++;
        }
        long expiresAt = now + config.lifetime().toMillis();
        ByteBuffer b = ByteBuffer.allocate(PUT_HEADER + length);
        b.put(PUT).put(packet.id().bytes()).put(packet.origin().bytes()).put(packet.destination().bytes())
                .put((byte) packet.hopLimit()).putLong(now).putLong(expiresAt).putInt(length).put(packet.payload());
        long offset = append(b.array());
        index(new Held(packet.id(), packet.origin(), packet.destination(), packet.hopLimit(), expiresAt, length,
                offset + PUT_HEADER));
        stats.stored++;
        return true;
    }

    public boolean holds(MessageId id) {
        return byId.containsKey(id);
    }

    /** The held messages for {@code destination} that are not in flight, oldest first. */
    public List<Packet.Data> pendingFor(PeerKey destination) {
        LinkedHashMap<MessageId, Held> m = byDestination.get(destination);
        if (m == null) {
            return List.of();
        }
        List<Packet.Data> out = new ArrayList<>();
        for (Held h : m.values()) {
            if (!h.inFlight) {
                out.add(new Packet.Data(0, h.hopLimit, h.id, h.origin, h.destination, payload(h)));
            }
        }
        return out;
    }

    /** Destinations with something held. */
    public List<PeerKey> destinations() {
        return List.copyOf(byDestination.keySet());
    }

    /** Marks a message as handed to a next hop (it stays held until {@link #remove}). */
    public void markInFlight(MessageId id, boolean inFlight) {
        Held h = byId.get(id);
        if (h != null) {
            h.inFlight = inFlight;
        }
    }

    /** Forgets a message whose custody passed on (the next hop acknowledged it). */
    public boolean remove(MessageId id) {
        Held h = byId.get(id);
        if (h == null) {
            return false;
        }
        delete(h);
        stats.forwarded++;
        return true;
    }

    /** Drops every message whose lifetime has ended; returns how many. */
    public int expire(long now) {
        List<Held> dead = new ArrayList<>();
        for (Held h : byId.values()) {
            if (h.expiresAt <= now) {
                dead.add(h);
            }
        }
        for (Held h : dead) {
            LOG.log(Level.INFO, "mesh store expired destination={0} bytes={1}", h.destination, h.length);
            delete(h);
            stats.expired++;
        }
        return dead.size();
    }

    public int count() {
        return byId.size();
    }

    public long heldBytes() {
        return heldBytes;
    }

    public StoreStats stats() {
        return stats;
    }

    @Override
    public void close() throws IOException {
        log.close();
    }

    private void delete(Held h) {
        unindex(h);
        ByteBuffer b = ByteBuffer.allocate(1 + MessageId.LENGTH);
        b.put(DEL).put(h.id.bytes());
        append(b.array());
        if (log.size() > COMPACT_MIN_BYTES && log.size() > 2 * liveLogBytes) {
            compact();
        }
    }

    private void index(Held h) {
        byId.put(h.id, h);
        byDestination.computeIfAbsent(h.destination, k -> new LinkedHashMap<>()).put(h.id, h);
        heldBytes += h.length;
        liveLogBytes += AppendLog.HEADER + PUT_HEADER + h.length;
    }

    private void unindex(Held h) {
        byId.remove(h.id);
        LinkedHashMap<MessageId, Held> m = byDestination.get(h.destination);
        m.remove(h.id);
        if (m.isEmpty()) {
            byDestination.remove(h.destination);
        }
        heldBytes -= h.length;
        liveLogBytes -= AppendLog.HEADER + PUT_HEADER + h.length;
    }

    private void compact() {
        try {
            List<Held> live = new ArrayList<>(byId.values());
            List<byte[]> bodies = new ArrayList<>(live.size());
            for (Held h : live) {
                byte[] rec = log.read(h.payloadOffset - PUT_HEADER, PUT_HEADER + h.length);
                bodies.add(rec);
            }
            long[] offsets = log.rewrite(bodies);
            for (int i = 0; i < live.size(); i++) {
                live.get(i).payloadOffset = offsets[i] + PUT_HEADER;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("mesh store compaction failed", e);
        }
    }

    private long append(byte[] body) {
        try {
            return log.append(body);
        } catch (IOException e) {
            throw new UncheckedIOException("mesh store write failed", e);
        }
    }

    private byte[] payload(Held h) {
        try {
            return log.read(h.payloadOffset, h.length);
        } catch (IOException e) {
            throw new UncheckedIOException("mesh store read failed", e);
        }
    }

    private static byte[] bytes(ByteBuffer b, int n) {
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }
}
