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
        int limit = DEFAULT_LIMIT;
        if (request.queryParam("limit").isPresent()) {
            try {
                limit = Integer.parseInt(request.queryParam("limit").get());
            } catch (NumberFormatException e) {
                throw MatrixException.invalidParam("limit", "not an integer");
            }
            if (limit < 0) {
                throw MatrixException.invalidParam("limit", "must not be negative");
            }
            limit = Math.min(limit, MAX_LIMIT);
        }
        RoomStream.Page page = stream.messages(device.userId(), device.deviceId(), roomId, from, dir.equals("b"), limit, to);
        ObjectNode body = RoomsApi.object();
        body.put("start", page.start().toString());
        page.end().ifPresent(end -> body.put("end", end.toString()));
        body.putArray("chunk").addAll(page.chunk());
        return MatrixResponse.ok(body);
    }
}
