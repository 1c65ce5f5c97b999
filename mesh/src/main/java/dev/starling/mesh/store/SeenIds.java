package dev.starling.mesh.store;

import dev.starling.mesh.routing.MessageId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The receiver's memory of message IDs already delivered, so that a message that arrives twice (a
 * retransmission whose acknowledgement was lost, or copies held by two relays) is delivered once. An ID is
 * remembered for the store lifetime (a copy cannot outlive it anywhere) and at most {@code maxSeenIds} are
 * kept, oldest forgotten first. Durable in {@code seen.log} ({@code id:16 expiresAt:u64} records), so a
 * restart does not deliver again. Not thread-safe.
 */
public final class SeenIds implements AutoCloseable {
    private final StoreConfig config;
    private final LinkedHashMap<MessageId, Long> seen = new LinkedHashMap<>();
    private final AppendLog log;
    private long records;

    private SeenIds(StoreConfig config, Path file, long now) throws IOException {
        this.config = config;
        this.log = AppendLog.open(file, config.sync(), (body, offset) -> {
            byte[] id = new byte[MessageId.LENGTH];
            body.get(id);
            long expiresAt = body.getLong();
            records++;
            if (expiresAt > now) {
                seen.put(new MessageId(id), expiresAt);
            }
        });
        trim(now);
    }

    public static SeenIds open(Path directory, StoreConfig config, long now) throws IOException {
        Files.createDirectories(directory);
        return new SeenIds(config, directory.resolve("seen.log"), now);
    }

    /** Records {@code id}; true the first time (deliver it), false for a duplicate (drop it). */
    public boolean firstSight(MessageId id, long now) {
        Long until = seen.get(id);
        if (until != null && until > now) {
            return false;
        }
        long expiresAt = now + config.lifetime().toMillis();
        seen.put(id, expiresAt);
        try {
            log.append(ByteBuffer.allocate(MessageId.LENGTH + 8).put(id.bytes()).putLong(expiresAt).array());
        } catch (IOException e) {
            throw new UncheckedIOException("mesh seen-id log write failed", e);
        }
        records++;
        trim(now);
        return true;
    }

    public int size() {
        return seen.size();
    }

    private void trim(long now) {
        for (Iterator<Map.Entry<MessageId, Long>> it = seen.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<MessageId, Long> e = it.next();
            if (seen.size() > config.maxSeenIds() || e.getValue() <= now) {
                it.remove();
            } else {
                break; // insertion order is expiry order: the rest are younger
            }
        }
        if (records > 1024 && records > 2L * seen.size()) {
            List<byte[]> bodies = new ArrayList<>(seen.size());
            seen.forEach((id, until) -> bodies.add(ByteBuffer.allocate(MessageId.LENGTH + 8).put(id.bytes()).putLong(until).array()));
            try {
                log.rewrite(bodies);
            } catch (IOException e) {
                throw new UncheckedIOException("mesh seen-id log compaction failed", e);
            }
            records = bodies.size();
        }
    }

    @Override
    public void close() throws IOException {
        log.close();
    }
}
