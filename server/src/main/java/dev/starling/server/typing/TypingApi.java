package dev.starling.server.typing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.http.MatrixException;
import dev.starling.server.http.MatrixRequest;
import dev.starling.server.http.MatrixResponse;
import dev.starling.server.rooms.RoomEvents;
import java.time.Duration;

/** The typing endpoint (Client-Server API § Typing notifications). */
public final class TypingApi {
    private final Typing typing;
    private final RoomEvents rooms;

    public TypingApi(Typing typing, RoomEvents rooms) {
        this.typing = typing;
        this.rooms = rooms;
    }

    /**
     * PUT /_matrix/client/v3/rooms/{roomId}/typing/{userId} — Client-Server API § Typing notifications. Only for
     * oneself (403 M_FORBIDDEN otherwise) and in a room one is joined to (403 M_FORBIDDEN); {@code timeout} is
     * capped at {@link Typing#MAX_TIMEOUT} and defaults to it.
     */
    public MatrixResponse setTyping(MatrixRequest request) {
        UserId self = request.requireDevice().userId();
        if (!request.pathParam("userId").equals(self.value())) {
            throw MatrixException.forbidden("cannot set the typing state of another user");
        }
        RoomId roomId = request.pathParam("roomId", RoomId::parse);
        ObjectNode body = request.jsonBody();
        JsonNode flag = body.path("typing");
        if (flag.isMissingNode()) {
            throw MatrixException.missingParam("typing");
        }
        if (!flag.isBoolean()) {
            throw MatrixException.badJson("typing must be a boolean");
        }
        JsonNode timeout = body.path("timeout");
        if (!timeout.isMissingNode() && !(timeout.isIntegralNumber() && timeout.asLong() >= 0)) {
            throw MatrixException.badJson("timeout must be a non-negative integer of milliseconds");
        }
        if (!rooms.isJoined(self, roomId)) {
            throw MatrixException.forbidden("you are not in room " + roomId);
        }
        if (flag.asBoolean()) {
            Duration duration = timeout.isMissingNode() ? Typing.MAX_TIMEOUT
                    : Duration.ofMillis(Math.min(timeout.asLong(), Typing.MAX_TIMEOUT.toMillis()));
            typing.start(roomId, self, duration);
        } else {
            typing.stop(roomId, self);
        }
        return MatrixResponse.ok(JsonNodeFactory.instance.objectNode());
    }
}
