package dev.starling.server.rooms;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.server.http.MatrixException;
import dev.starling.server.http.MatrixRequest;
import dev.starling.server.http.MatrixResponse;
import java.util.Optional;

/** {@code GET /rooms/{roomId}/messages}: a room's events page by page, by stream position. */
public final class MessagesApi {
    static final int DEFAULT_LIMIT = 10;
    static final int MAX_LIMIT = 1000;

    private final RoomStream stream;

    MessagesApi(RoomStream stream) {
        this.stream = stream;
    }

    /** The {@code limit} query parameter (a non-negative integer), or {@code absent} without one. */
    static int limit(MatrixRequest request, int absent) {
        Optional<String> value = request.queryParam("limit");
        if (value.isEmpty()) {
            return absent;
        }
        try {
            int limit = Integer.parseInt(value.get());
            if (limit < 0) {
                throw MatrixException.invalidParam("limit", "must not be negative");
            }
            return limit;
        } catch (NumberFormatException e) {
            throw MatrixException.invalidParam("limit", "not an integer");
        }
    }

    /** GET /_matrix/client/v3/rooms/{roomId}/messages — Client-Server API § Getting events for a room. */
    public MatrixResponse messages(MatrixRequest request) {
        var device = request.requireDevice();
        var roomId = RoomsApi.roomId(request);
        String dir = request.queryParam("dir").orElseThrow(() -> MatrixException.missingParam("dir"));
        if (!dir.equals("b") && !dir.equals("f")) {
            throw MatrixException.invalidParam("dir", "must be b or f");
        }
        Optional<StreamToken> from = request.queryParam("from").map(t -> StreamToken.parse("from", t));
        Optional<StreamToken> to = request.queryParam("to").map(t -> StreamToken.parse("to", t));
        RoomEventFilter filter = request.queryParam("filter").map(RoomEventFilter::parseParameter)
                .orElse(RoomEventFilter.NONE);
        int limit = Math.min(limit(request, filter.limit().orElse(DEFAULT_LIMIT)), MAX_LIMIT);
        RoomStream.Page page = stream.messages(device.userId(), device.deviceId(), roomId, from, dir.equals("b"), limit,
                to, filter);
        ObjectNode body = RoomsApi.object();
        body.put("start", page.start().toString());
        page.end().ifPresent(end -> body.put("end", end.toString()));
        body.putArray("chunk").addAll(page.chunk());
        if (!page.state().isEmpty()) {
            body.putArray("state").addAll(page.state());
        }
        return MatrixResponse.ok(body);
    }
}
