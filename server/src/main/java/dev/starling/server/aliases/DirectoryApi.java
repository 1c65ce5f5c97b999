package dev.starling.server.aliases;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.server.http.ErrorCode;
import dev.starling.server.http.MatrixException;
import dev.starling.server.http.MatrixRequest;
import dev.starling.server.http.MatrixResponse;
import dev.starling.server.rooms.RoomAccess;
import dev.starling.server.storage.Database;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The published room directory (Client-Server API § Listing rooms): a room's visibility in it, and the
 * paginated, filtered list. The list is built from the rooms' current state on each request (fine for the
 * directories of small and medium servers; a big one wants a stats table kept up to date by the pipeline).
 */
public final class DirectoryApi {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryApi.class);
    /** The largest page served, whatever {@code limit} asks. */
    static final int MAX_LIMIT = 500;

    private final ServerName serverName;
    private final Database db;
    private final Clock clock;
    private final RoomAccess rooms;

    public DirectoryApi(ServerName serverName, Database db, Clock clock, RoomAccess rooms) {
        this.serverName = serverName;
        this.db = db;
        this.clock = clock;
        this.rooms = rooms;
    }

    /** GET /_matrix/client/v3/directory/list/room/{roomId} — Client-Server API § Listing rooms. */
    public MatrixResponse visibility(MatrixRequest request) {
        RoomId roomId = request.pathParam("roomId", RoomId::parse);
        if (!rooms.exists(roomId)) {
            throw MatrixException.notFound("room not found");
        }
        boolean published = db.read(c -> PublishedRooms.isPublished(c, roomId));
        return MatrixResponse.ok(AliasesApi.object().put("visibility", published ? "public" : "private"));
    }

    /**
     * PUT /_matrix/client/v3/directory/list/room/{roomId} — Client-Server API § Listing rooms. Only a member
     * with the power to send {@code m.room.canonical_alias} (a room admin, the creator) may change it, as
     * Synapse decides; {@code visibility} defaults to public.
     */
    public MatrixResponse setVisibility(MatrixRequest request) {
        UserId user = request.requireDevice().userId();
        RoomId roomId = request.pathParam("roomId", RoomId::parse);
        JsonNode node = request.jsonBody().get("visibility");
        String visibility = "public";
        if (node != null && !node.isNull()) {
            if (!node.isTextual()) {
                throw MatrixException.badJson("visibility must be a string");
            }
            visibility = node.textValue();
        }
        if (!visibility.equals("public") && !visibility.equals("private")) {
            throw MatrixException.invalidParam("visibility", "must be public or private");
        }
        if (!rooms.exists(roomId)) {
            throw MatrixException.notFound("room not found");
        }
        if (!rooms.maySendState(user, roomId, AliasesApi.CANONICAL_ALIAS, "")) {
            throw MatrixException.forbidden("only a room admin may change the room's visibility in the directory");
        }
        boolean publish = visibility.equals("public");
        db.inTransaction(c -> {
            if (publish) {
                PublishedRooms.publish(c, roomId, clock.millis());
            } else {
                PublishedRooms.unpublish(c, roomId);
            }
            return null;
        });
        LOG.info("room directory visibility room_id={} visibility={} user_id={}", roomId, visibility, user);
        return MatrixResponse.ok(AliasesApi.object());
    }

    /** GET /_matrix/client/v3/publicRooms — Client-Server API § Listing rooms. */
    public MatrixResponse publicRooms(MatrixRequest request) {
        checkServer(request);
        Optional<Integer> limit = request.queryParam("limit").map(text -> {
            try {
                return Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw MatrixException.invalidParam("limit", "not an integer");
            }
        });
        return MatrixResponse.ok(list(limit, request.queryParam("since"), Optional.empty(), Optional.empty()));
    }

    /** POST /_matrix/client/v3/publicRooms — Client-Server API § Listing rooms, with a filter. */
    public MatrixResponse searchPublicRooms(MatrixRequest request) {
        request.requireDevice();
        checkServer(request);
        ObjectNode body = request.jsonBody();
        Optional<Integer> limit = Optional.empty();
        JsonNode limitNode = body.get("limit");
        if (limitNode != null && !limitNode.isNull()) {
            if (!limitNode.isIntegralNumber()) {
                throw MatrixException.badJson("limit must be an integer");
            }
            limit = Optional.of((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, limitNode.longValue())));
        }
        Optional<String> since = text(body, "since");
        Optional<String> term = Optional.empty();
        Optional<Set<String>> roomTypes = Optional.empty();
        JsonNode filter = body.get("filter");
        if (filter != null && !filter.isNull()) {
            if (!(filter instanceof ObjectNode filterObject)) {
                throw MatrixException.badJson("filter must be an object");
            }
            term = text(filterObject, "generic_search_term").filter(t -> !t.isBlank());
            roomTypes = roomTypes(filterObject.get("room_types"));
        }
        if (text(body, "third_party_instance_id").isPresent()) {
            // No application services: no third-party network has rooms here.
            return MatrixResponse.ok(empty());
        }
        return MatrixResponse.ok(list(limit, since, term, roomTypes));
    }

    private ObjectNode list(Optional<Integer> limit, Optional<String> since, Optional<String> term,
            Optional<Set<String>> roomTypes) {
        if (limit.isPresent() && limit.get() < 1) {
            throw MatrixException.invalidParam("limit", "must be at least 1");
        }
        Optional<PublicRoomsPage.Token> token = since.map(PublicRoomsPage.Token::parse);
        List<RoomSummary> listed = new ArrayList<>();
        for (RoomId roomId : db.read(PublishedRooms::all)) {
            RoomSummary summary = RoomSummary.of(rooms, roomId);
            if (summary.listable() && term.map(summary::matches).orElse(true)
                    && roomTypes.map(types -> types.contains(summary.roomType().orElse(null))).orElse(true)) {
                listed.add(summary);
            }
        }
        listed.sort(PublicRoomsPage.ORDER);
        PublicRoomsPage.Page page = PublicRoomsPage.cut(listed, token, Math.min(limit.orElse(MAX_LIMIT), MAX_LIMIT));
        ObjectNode out = AliasesApi.object();
        ArrayNode chunk = out.putArray("chunk");
        page.rooms().forEach(room -> chunk.add(room.toJson()));
        page.next().ifPresent(t -> out.put("next_batch", t.toString()));
        page.prev().ifPresent(t -> out.put("prev_batch", t.toString()));
        out.put("total_room_count_estimate", listed.size());
        return out;
    }

    /**
     * The {@code server} parameter: this server, or another one, which would be asked over federation.
     * NOTSPEC until federation: another server is 502, as Synapse answers when it cannot reach one.
     */
    private void checkServer(MatrixRequest request) {
        Optional<String> server = request.queryParam("server");
        if (server.isEmpty() || server.get().equals(serverName.value())) {
            return;
        }
        try {
            ServerName.parse(server.get());
        } catch (InvalidIdentifierException e) {
            throw MatrixException.invalidParam("server", e.getMessage());
        }
        throw new MatrixException(ErrorCode.M_UNKNOWN, "cannot fetch the room directory of " + server.get()
                + ": this server does not federate yet").withStatus(502);
    }

    /** {@code room_types}: strings, and null for rooms without a type; an empty list filters nothing. */
    private static Optional<Set<String>> roomTypes(JsonNode node) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isArray()) {
            throw MatrixException.badJson("room_types must be an array");
        }
        if (node.isEmpty()) {
            return Optional.empty();
        }
        Set<String> types = new HashSet<>();
        for (JsonNode type : node) {
            if (type.isNull()) {
                types.add(null);
            } else if (type.isTextual()) {
                types.add(type.textValue());
            } else {
                throw MatrixException.badJson("room_types entries are strings or null");
            }
        }
        return Optional.of(types);
    }

    private static Optional<String> text(ObjectNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw MatrixException.badJson(field + " must be a string");
        }
        return Optional.of(node.textValue());
    }

    private static ObjectNode empty() {
        ObjectNode out = AliasesApi.object();
        out.putArray("chunk");
        out.put("total_room_count_estimate", 0);
        return out;
    }
}
