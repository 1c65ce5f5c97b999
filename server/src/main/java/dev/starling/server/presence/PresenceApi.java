package dev.starling.server.presence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.server.http.MatrixException;
import dev.starling.server.http.MatrixHandler;
import dev.starling.server.http.MatrixRequest;
import dev.starling.server.http.MatrixResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Predicate;

/** The presence endpoints (Client-Server API § Presence) and the {@code set_presence} of /sync. */
public final class PresenceApi {
    /** The longest {@code status_msg} accepted, in bytes of UTF-8 (the spec sets none; a status is a line). */
    public static final int MAX_STATUS_MSG_BYTES = 1024;

    private final ServerName self;
    private final Presence presence;
    private final Predicate<UserId> localUserExists;

    public PresenceApi(ServerName self, Presence presence, Predicate<UserId> localUserExists) {
        this.self = self;
        this.presence = presence;
        this.localUserExists = localUserExists;
    }

    /**
     * PUT /_matrix/client/v3/presence/{userId}/status — Client-Server API § Presence. Only one's own (403
     * M_FORBIDDEN); {@code presence} is required (M_MISSING_PARAM), one of online, unavailable, offline
     * (M_INVALID_PARAM; M_BAD_JSON when not a string); {@code status_msg} a string (or null: cleared) of at most
     * {@link #MAX_STATUS_MSG_BYTES} bytes (M_INVALID_PARAM). Answers {@code {}} (and stores nothing when presence is
     * disabled, as Synapse with {@code use_presence: false}).
     */
    public MatrixResponse setStatus(MatrixRequest request) {
        UserId me = request.requireDevice().userId();
        if (!request.pathParam("userId").equals(me.value())) {
            throw MatrixException.forbidden("cannot set the presence of another user");
        }
        ObjectNode body = request.jsonBody();
        JsonNode value = body.path("presence");
        if (value.isMissingNode() || value.isNull()) {
            throw MatrixException.missingParam("presence");
        }
        if (!value.isTextual()) {
            throw MatrixException.badJson("presence must be a string");
        }
        PresenceState state = PresenceState.parse(value.asText()).orElseThrow(
                () -> MatrixException.invalidParam("presence", "must be online, unavailable or offline"));
        JsonNode msg = body.path("status_msg");
        Optional<String> statusMsg = Optional.empty();
        if (!msg.isMissingNode() && !msg.isNull()) {
            if (!msg.isTextual()) {
                throw MatrixException.badJson("status_msg must be a string");
            }
            if (msg.asText().getBytes(StandardCharsets.UTF_8).length > MAX_STATUS_MSG_BYTES) {
                throw MatrixException.invalidParam("status_msg", "longer than " + MAX_STATUS_MSG_BYTES + " bytes");
            }
            statusMsg = msg.asText().isEmpty() ? Optional.empty() : Optional.of(msg.asText());
        }
        presence.set(me, state, statusMsg);
        return MatrixResponse.ok(JsonNodeFactory.instance.objectNode());
    }

    /**
     * GET /_matrix/client/v3/presence/{userId}/status — Client-Server API § Presence. One's own, or of a user
     * sharing a room with the requester (403 M_FORBIDDEN otherwise, as Synapse); an unknown local user is 404
     * M_NOT_FOUND; a malformed user ID 400 M_INVALID_PARAM. A user nothing is known of reads as offline.
     */
    public MatrixResponse getStatus(MatrixRequest request) {
        UserId me = request.requireDevice().userId();
        UserId user = request.pathParam("userId", UserId::parse);
        if (user.server().equals(self) && !localUserExists.test(user)) {
            throw MatrixException.notFound("no such user");
        }
        if (!user.equals(me) && !presence.audience().usersSharingRoomWith(me).contains(user)) {
            throw MatrixException.forbidden("you do not share a room with " + user);
        }
        UserPresence known = presence.get(user);
        return MatrixResponse.ok(known.content(presence.nowMs()));
    }

    /**
     * Wraps a route whose success is a pro-active event of the user (sending an event into a room): counts it as
     * activity ({@link Presence#active}) once it succeeded.
     */
    public MatrixHandler activity(MatrixHandler handler) {
        return request -> {
            MatrixResponse response = handler.handle(request);
            presence.active(request.requireDevice().userId());
            return response;
        };
    }

    /**
     * Wraps GET /sync: reads {@code set_presence} ({@code online} when absent; 400 M_INVALID_PARAM when not one of
     * online, unavailable, offline) and marks the user syncing while {@code sync} runs.
     */
    public MatrixHandler syncing(MatrixHandler sync) {
        return request -> {
            UserId user = request.requireDevice().userId();
            PresenceState mode = request.queryParam("set_presence").map(value -> PresenceState.parse(value)
                    .orElseThrow(() -> MatrixException.invalidParam("set_presence",
                            "must be online, unavailable or offline"))).orElse(PresenceState.ONLINE);
            presence.syncStarted(user, mode);
            try {
                return sync.handle(request);
            } finally {
                presence.syncEnded(user, mode);
            }
        };
    }
}
