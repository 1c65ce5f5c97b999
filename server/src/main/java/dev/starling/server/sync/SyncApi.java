package dev.starling.server.sync;

import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.http.AuthenticatedDevice;
import dev.starling.server.http.MatrixException;
import dev.starling.server.http.MatrixRequest;
import dev.starling.server.http.MatrixResponse;
import dev.starling.server.rooms.RoomFilter;
import dev.starling.server.rooms.RoomStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /sync} (Client-Server API § Syncing): takes the current positions once, asks every
 * {@link SyncSource} what changed for the device up to them; when nothing did and the request has a
 * {@code since} and a {@code timeout}, blocks on the {@link Notifier} until a change concerns the user or the
 * timeout (capped at {@link #MAX_TIMEOUT}) passes, then reads again.
 *
 * <p>A device that comes back with the {@code next_batch} of its last answer, while nothing its watch covers has
 * fired since that answer's read began ({@link Notifier#firedAfter}), waits at once without reading: a read would
 * find nothing new. Its rooms are those of the last answer — joining or leaving fires the user. A timeout or a
 * fire then reads as usual. So a long-poll renewed after each answer costs no store read while idle.
 */
public final class SyncApi {
    static final Duration MAX_TIMEOUT = Duration.ofSeconds(60);

    private final RoomStream stream;
    private final EphemeralStream ephemeral;
    private final Notifier notifier;
    private final KeptFilters filters;
    private final List<SyncSource> sources;
    /** Per device, its last answer: the token, the fire sequence number its read began at and its rooms. */
    private final java.util.concurrent.ConcurrentHashMap<Device, Answered> answered =
            new java.util.concurrent.ConcurrentHashMap<>();

    private record Device(UserId user, dev.starling.protocol.id.DeviceId deviceId) {}

    private record Answered(SyncToken token, long sequence, List<RoomId> joined) {}

    /** Devices whose last answer is kept, at most; all are dropped when full (they read once more). */
    static final int MAX_ANSWERED = 100_000;

    /** Rooms only, inline filters only (tests of the rooms area). */
    public SyncApi(RoomStream stream, Notifier notifier) {
        this(stream, new EphemeralStream(), notifier, SyncFilters.INLINE_ONLY, List.of());
    }

    /**
     * @param sources the streams besides rooms, in the order they write
     */
    public SyncApi(RoomStream stream, EphemeralStream ephemeral, Notifier notifier, SyncFilters filters,
            List<SyncSource> sources) {
        this.stream = stream;
        this.ephemeral = ephemeral;
        this.notifier = notifier;
        this.filters = new KeptFilters(filters);
        List<SyncSource> all = new ArrayList<>();
        all.add(new RoomsSyncSource(stream));
        all.addAll(sources);
        this.sources = List.copyOf(all);
    }

    /** GET /_matrix/client/v3/sync — Client-Server API § Syncing. */
    public MatrixResponse sync(MatrixRequest request) {
        AuthenticatedDevice device = request.requireDevice();
        UserId user = device.userId();
        Optional<SyncToken> since = request.queryParam("since").map(t -> SyncToken.parse("since", t));
        long timeoutMs = Math.min(nonNegative(request, "timeout").orElse(0L), MAX_TIMEOUT.toMillis());
        boolean fullState = request.queryParam("full_state").map(value -> switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw MatrixException.invalidParam("full_state", "must be true or false");
        }).orElse(false);
        // A bad limit or room filter is refused before anything is read.
        KeptFilters.Resolved parsed = request.queryParam("filter").map(f -> filters.resolve(user, f))
                .orElse(KeptFilters.NONE);
        SyncFilter filter = parsed.filter();
        long deadline = System.nanoTime() + Duration.ofMillis(timeoutMs).toNanos();
        boolean wait = since.isPresent() && !fullState && timeoutMs > 0;
        Device key = new Device(user, device.deviceId());
        if (wait) {
            Answered last = answered.get(key);
            if (last != null && last.token().equals(since.get())) {
                try (Notifier.Watch watch = notifier.watch(user, last.joined())) {
                    if (!notifier.firedAfter(user, last.joined(), last.sequence())) {
                        watch.await(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    wait = false;
                }
            }
        }
        while (true) {
            // Taken before the rooms are read: a join or leave fired after it makes the next fast path read.
            long sequence = notifier.sequence();
            List<RoomId> joined = stream.joinedRooms(user);
            // The watch opens before the read: a commit between the read and the wait still fires it.
            try (Notifier.Watch watch = notifier.watch(user, joined)) {
                SyncToken upTo = new SyncToken(stream.position(), ephemeral.current());
                SyncRequest read = new SyncRequest(user, device.deviceId(), since, upTo, fullState, filter, joined,
                        parsed.room());
                SyncResponse response = new SyncResponse();
                boolean changed = false;
                for (SyncSource source : sources) {
                    changed |= source.write(read, response);
                }
                long remaining = deadline - System.nanoTime();
                if (!wait || changed || remaining <= 0 || !watch.await(Duration.ofNanos(remaining))) {
                    if (answered.size() >= MAX_ANSWERED) {
                        answered.clear();
                    }
                    answered.put(key, new Answered(upTo, sequence, joined));
                    return MatrixResponse.ok(response.finish(upTo));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                wait = false;
            }
        }
    }

    static Optional<Long> nonNegative(MatrixRequest request, String name) {
        Optional<String> value = request.queryParam(name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            long parsed = Long.parseLong(value.get());
            if (parsed < 0) {
                throw MatrixException.invalidParam(name, "must not be negative");
            }
            return Optional.of(parsed);
        } catch (NumberFormatException e) {
            throw MatrixException.invalidParam(name, "not an integer");
        }
    }
}
