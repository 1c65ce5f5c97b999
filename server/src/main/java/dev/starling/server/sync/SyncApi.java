package dev.starling.server.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.UserId;
import dev.starling.server.http.AuthenticatedDevice;
import dev.starling.server.http.MatrixException;
import dev.starling.server.http.MatrixRequest;
import dev.starling.server.http.MatrixResponse;
import dev.starling.server.rooms.RoomStream;
import dev.starling.server.rooms.StreamToken;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code GET /sync} (Client-Server API § Syncing): reads what changed since the token; when nothing did and
 * the request has a {@code since} and a {@code timeout}, blocks on the {@link Notifier} until a commit concerns
 * the user or the timeout (capped at {@link #MAX_TIMEOUT}) passes, then reads again.
 */
public final class SyncApi {
    static final Duration MAX_TIMEOUT = Duration.ofSeconds(60);
    static final int DEFAULT_TIMELINE_LIMIT = 10;
    private static final int MAX_TIMELINE_LIMIT = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RoomStream stream;
    private final Notifier notifier;

    public SyncApi(RoomStream stream, Notifier notifier) {
        this.stream = stream;
        this.notifier = notifier;
    }

    /** GET /_matrix/client/v3/sync — Client-Server API § Syncing. */
    public MatrixResponse sync(MatrixRequest request) {
        AuthenticatedDevice device = request.requireDevice();
        UserId user = device.userId();
        Optional<StreamToken> since = request.queryParam("since").map(t -> StreamToken.parse("since", t));
        long timeoutMs = Math.min(nonNegative(request, "timeout").orElse(0L), MAX_TIMEOUT.toMillis());
        boolean fullState = request.queryParam("full_state").map("true"::equals).orElse(false);
        int limit = timelineLimit(request.queryParam("filter"));
        long deadline = System.nanoTime() + Duration.ofMillis(timeoutMs).toNanos();
        if (since.isEmpty() || fullState || timeoutMs == 0) {
            return MatrixResponse.ok(SyncResponse.of(stream.sync(user, device.deviceId(), since, limit, fullState)));
        }
        while (true) {
            // The watch opens before the read: a commit between the read and the wait still fires it.
            try (Notifier.Watch watch = notifier.watch(user, stream.joinedRooms(user))) {
                RoomStream.Batch batch = stream.sync(user, device.deviceId(), since, limit, false);
                long remaining = deadline - System.nanoTime();
                if (!batch.isEmpty() || remaining <= 0 || !watch.await(Duration.ofNanos(remaining))) {
                    return MatrixResponse.ok(SyncResponse.of(batch));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return MatrixResponse.ok(SyncResponse.of(stream.sync(user, device.deviceId(), since, limit, false)));
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

    /**
     * {@code room.timeline.limit} of an inline filter (JSON); a filter ID is ignored until filters can be
     * uploaded (NOTSPEC: the default applies).
     */
    private static int timelineLimit(Optional<String> filter) {
        if (filter.isEmpty() || !filter.get().startsWith("{")) {
            return DEFAULT_TIMELINE_LIMIT;
        }
        JsonNode limit;
        try {
            limit = JSON.readTree(filter.get()).path("room").path("timeline").path("limit");
        } catch (IOException e) {
            throw MatrixException.invalidParam("filter", "not a JSON filter");
        }
        if (limit.isMissingNode()) {
            return DEFAULT_TIMELINE_LIMIT;
        }
        if (!limit.canConvertToInt() || limit.asInt() < 0) {
            throw MatrixException.invalidParam("filter", "room.timeline.limit must be a non-negative integer");
        }
        return Math.min(limit.asInt(), MAX_TIMELINE_LIMIT);
    }

    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }
}
