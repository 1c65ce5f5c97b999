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
 */
public final class SyncApi {
    static final Duration MAX_TIMEOUT = Duration.ofSeconds(60);

    private final RoomStream stream;
    private final EphemeralStream ephemeral;
    private final Notifier notifier;
    private final SyncFilters filters;
    private final List<SyncSource> sources;

    /** Inline filters kept, at most (all dropped when full), and the longest kept. */
    static final int MAX_KEPT_FILTERS = 1_024;
    static final int MAX_KEPT_FILTER_LENGTH = 8_192;

    private record Parsed(SyncFilter filter, RoomFilter room) {}

    private static final Parsed NO_FILTER =
            new Parsed(SyncFilter.NONE, RoomFilter.fromJson(SyncFilter.NONE.json().path("room")));
    private final java.util.concurrent.ConcurrentHashMap<String, Parsed> inlineFilters =
            new java.util.concurrent.ConcurrentHashMap<>();

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
        this.filters = filters;
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
        Parsed parsed = request.queryParam("filter").map(f -> parse(user, f)).orElse(NO_FILTER);
        SyncFilter filter = parsed.filter();
        long deadline = System.nanoTime() + Duration.ofMillis(timeoutMs).toNanos();
        boolean wait = since.isPresent() && !fullState && timeoutMs > 0;
        while (true) {
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
                    return MatrixResponse.ok(response.finish(upTo));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                wait = false;
            }
        }
    }

    /**
     * The filter parameter resolved and checked; an inline filter (the same JSON text for everyone) is parsed
     * once and kept (clients send the same one with every request).
     */
    private Parsed parse(UserId user, String parameter) {
        boolean inline = parameter.startsWith("{") && parameter.length() <= MAX_KEPT_FILTER_LENGTH;
        Parsed kept = inline ? inlineFilters.get(parameter) : null;
        if (kept != null) {
            return kept;
        }
        SyncFilter filter = filters.resolve(user, parameter);
        filter.timelineLimit();
        Parsed parsed = new Parsed(filter, RoomFilter.fromJson(filter.json().path("room")));
        if (inline) {
            if (inlineFilters.size() >= MAX_KEPT_FILTERS) {
                inlineFilters.clear();
            }
            inlineFilters.put(parameter, parsed);
        }
        return parsed;
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
