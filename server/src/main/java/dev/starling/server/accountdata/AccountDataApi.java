package dev.starling.server.accountdata;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.http.ErrorCode;
import dev.starling.server.http.MatrixException;
import dev.starling.server.http.MatrixRequest;
import dev.starling.server.http.MatrixResponse;
import dev.starling.server.storage.Database;
import dev.starling.server.sync.Notifier;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Account data (Client-Server API § Client config) and room tags (§ Room tagging, kept as the room account data
 * {@code m.tag}). Only one's own: another user's path is 403 M_FORBIDDEN. Bodies may hold floats (client data,
 * never part of an event). Every change takes a global stream position and wakes the user's syncs.
 */
public final class AccountDataApi {
    /** Types the server manages (Client-Server API § Client config, server behaviour): PUT is 405 M_BAD_JSON. */
    static final Set<String> SERVER_MANAGED = Set.of("m.fully_read", "m.push_rules");
    static final String TAG = "m.tag";
    private static final int MAX_NAME_BYTES = 255;

    private final Database db;
    private final Notifier notifier;
    private final Function<UserId, ObjectNode> pushRules;

    /**
     * @param pushRules the content of the user's {@code m.push_rules}, which the push package keeps (readable here
     *        as the spec requires, not writable)
     */
    public AccountDataApi(Database db, Notifier notifier, Function<UserId, ObjectNode> pushRules) {
        this.db = db;
        this.notifier = notifier;
        this.pushRules = pushRules;
    }

    /** PUT /_matrix/client/v3/user/{userId}/account_data/{type} — Client-Server API § Client config. */
    public MatrixResponse putGlobal(MatrixRequest request) {
        return put(request, Optional.empty());
    }

    /** GET /_matrix/client/v3/user/{userId}/account_data/{type} — Client-Server API § Client config. */
    public MatrixResponse getGlobal(MatrixRequest request) {
        return get(request, Optional.empty());
    }

    /** PUT /_matrix/client/v3/user/{userId}/rooms/{roomId}/account_data/{type} — Client-Server API § Client config. */
    public MatrixResponse putRoom(MatrixRequest request) {
        return put(request, Optional.of(request.pathParam("roomId", RoomId::parse)));
    }

    /** GET /_matrix/client/v3/user/{userId}/rooms/{roomId}/account_data/{type} — Client-Server API § Client config. */
    public MatrixResponse getRoom(MatrixRequest request) {
        return get(request, Optional.of(request.pathParam("roomId", RoomId::parse)));
    }

    /** GET /_matrix/client/v3/user/{userId}/rooms/{roomId}/tags — Client-Server API § Room tagging. */
    public MatrixResponse tags(MatrixRequest request) {
        UserId user = ownUser(request);
        RoomId roomId = request.pathParam("roomId", RoomId::parse);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.set("tags", currentTags(user, roomId));
        return MatrixResponse.ok(body);
    }

    /** PUT /_matrix/client/v3/user/{userId}/rooms/{roomId}/tags/{tag} — Client-Server API § Room tagging. */
    public MatrixResponse putTag(MatrixRequest request) {
        UserId user = ownUser(request);
        RoomId roomId = request.pathParam("roomId", RoomId::parse);
        String tag = name(request.pathParam("tag"), "tag");
        ObjectNode info = request.jsonBodyAllowingFloats();
        if (info.has("order") && !info.get("order").isNumber()) {
            throw MatrixException.badJson("order must be a number");
        }
        changeTags(user, roomId, tags -> tags.set(tag, info));
        return MatrixResponse.ok(JsonNodeFactory.instance.objectNode());
    }

    /** DELETE /_matrix/client/v3/user/{userId}/rooms/{roomId}/tags/{tag} — Client-Server API § Room tagging. */
    public MatrixResponse deleteTag(MatrixRequest request) {
        UserId user = ownUser(request);
        RoomId roomId = request.pathParam("roomId", RoomId::parse);
        String tag = request.pathParam("tag");
        changeTags(user, roomId, tags -> tags.remove(tag));
        return MatrixResponse.ok(JsonNodeFactory.instance.objectNode());
    }

    private MatrixResponse put(MatrixRequest request, Optional<RoomId> roomId) {
        UserId user = ownUser(request);
        String type = name(request.pathParam("type"), "type");
        if (SERVER_MANAGED.contains(type)) {
            throw new MatrixException(ErrorCode.M_BAD_JSON, "cannot set " + type + " through this API")
                    .withStatus(405);
        }
        ObjectNode content = request.jsonBodyAllowingFloats();
        db.inTransaction(c -> AccountDataStore.put(c, user, roomId, type, content));
        notifier.wakeUser(user);
        return MatrixResponse.ok(JsonNodeFactory.instance.objectNode());
    }

    private MatrixResponse get(MatrixRequest request, Optional<RoomId> roomId) {
        UserId user = ownUser(request);
        String type = request.pathParam("type");
        if (roomId.isEmpty() && type.equals("m.push_rules")) {
            return MatrixResponse.ok(pushRules.apply(user));
        }
        return MatrixResponse.ok(db.read(c -> AccountDataStore.get(c, user, roomId, type))
                .orElseThrow(() -> MatrixException.notFound("no account data of type " + type)));
    }

    private ObjectNode currentTags(UserId user, RoomId roomId) {
        return db.read(c -> AccountDataStore.get(c, user, Optional.of(roomId), TAG))
                .map(content -> content.path("tags")).filter(ObjectNode.class::isInstance)
                .map(tags -> (ObjectNode) tags.deepCopy()).orElseGet(JsonNodeFactory.instance::objectNode);
    }

    private void changeTags(UserId user, RoomId roomId, java.util.function.Consumer<ObjectNode> change) {
        db.inTransaction(c -> {
            ObjectNode content = AccountDataStore.get(c, user, Optional.of(roomId), TAG)
                    .orElseGet(JsonNodeFactory.instance::objectNode);
            ObjectNode tags = content.get("tags") instanceof ObjectNode existing ? existing : content.putObject("tags");
            change.accept(tags);
            return AccountDataStore.put(c, user, Optional.of(roomId), TAG, content);
        });
        notifier.wakeUser(user);
    }

    /** An event type or tag name: not empty, at most 255 bytes (Client-Server API § Room tagging; event types). */
    private static String name(String value, String what) {
        if (value.isEmpty() || value.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw MatrixException.invalidParam(what, "must be 1 to " + MAX_NAME_BYTES + " bytes");
        }
        return value;
    }

    static UserId ownUser(MatrixRequest request) {
        UserId self = request.requireDevice().userId();
        if (!request.pathParam("userId").equals(self.value())) {
            throw MatrixException.forbidden("cannot read or change account data of other users");
        }
        return self;
    }
}
