package dev.starling.server.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.server.http.MatrixException;
import dev.starling.server.http.MatrixRequest;
import dev.starling.server.http.MatrixResponse;
import dev.starling.server.rooms.RoomAccess;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Profiles (Client-Server API § Profiles): reading anyone's, changing one's own display name and avatar.
 * A change is then sent as a new {@code m.room.member} event in every room the user is joined to, through
 * the event pipeline (so the auth rules apply); each room is best effort: one that refuses is logged and
 * the others still get it, as Synapse does.
 */
public final class ProfileApi {
    private static final Logger LOG = LoggerFactory.getLogger(ProfileApi.class);
    static final String DISPLAYNAME = "displayname";
    static final String AVATAR_URL = "avatar_url";
    /** Synapse's limits (MAX_DISPLAYNAME_LEN, MAX_AVATAR_URL_LEN), in characters. */
    static final int MAX_DISPLAYNAME_CHARS = 256;
    static final int MAX_AVATAR_URL_CHARS = 1000;

    private final ServerName serverName;
    private final ProfileStore store;
    private final Predicate<UserId> localUserExists;
    private final RoomAccess rooms;
    private final RemoteProfiles remote;

    public ProfileApi(ServerName serverName, ProfileStore store, Predicate<UserId> localUserExists, RoomAccess rooms) {
        this(serverName, store, localUserExists, rooms, RemoteProfiles.NONE);
    }

    /** @param remote how other servers' users' profiles are asked for (federation) */
    public ProfileApi(ServerName serverName, ProfileStore store, Predicate<UserId> localUserExists, RoomAccess rooms,
            RemoteProfiles remote) {
        this.remote = java.util.Objects.requireNonNull(remote, "remote");
        this.serverName = Objects.requireNonNull(serverName, "serverName");
        this.store = Objects.requireNonNull(store, "store");
        this.localUserExists = Objects.requireNonNull(localUserExists, "localUserExists");
        this.rooms = Objects.requireNonNull(rooms, "rooms");
    }

    /** GET /_matrix/client/v3/profile/{userId} — Client-Server API § Profiles. */
    public MatrixResponse profile(MatrixRequest request) {
        return MatrixResponse.ok(existing(request).toJson());
    }

    /** GET /_matrix/client/v3/profile/{userId}/displayname — Client-Server API § Profiles. */
    public MatrixResponse displayname(MatrixRequest request) {
        return field(existing(request).displayname(), DISPLAYNAME);
    }

    /** GET /_matrix/client/v3/profile/{userId}/avatar_url — Client-Server API § Profiles. */
    public MatrixResponse avatarUrl(MatrixRequest request) {
        return field(existing(request).avatarUrl(), AVATAR_URL);
    }

    /** PUT /_matrix/client/v3/profile/{userId}/displayname — Client-Server API § Profiles. "" clears it. */
    public MatrixResponse setDisplayname(MatrixRequest request) {
        UserId user = own(request);
        Optional<String> value = value(request.jsonBody(), DISPLAYNAME, MAX_DISPLAYNAME_CHARS);
        store.setDisplayname(user, value);
        propagate(user);
        return MatrixResponse.ok(JsonNodeFactory.instance.objectNode());
    }

    /** PUT /_matrix/client/v3/profile/{userId}/avatar_url — Client-Server API § Profiles. "" clears it. */
    public MatrixResponse setAvatarUrl(MatrixRequest request) {
        UserId user = own(request);
        Optional<String> value = value(request.jsonBody(), AVATAR_URL, MAX_AVATAR_URL_CHARS);
        if (value.isPresent() && !value.get().startsWith("mxc://")) {
            // The spec: "For avatar_url, the value MUST be an MXC URI string."
            throw MatrixException.invalidParam(AVATAR_URL, "must be an mxc:// URI");
        }
        store.setAvatarUrl(user, value);
        propagate(user);
        return MatrixResponse.ok(JsonNodeFactory.instance.objectNode());
    }

    private void propagate(UserId user) {
        ObjectNode profile = store.get(user).toJson();
        int updated = 0;
        for (RoomId roomId : rooms.joinedRooms(user)) {
            try {
                if (rooms.updateMemberProfile(user, roomId, profile).isPresent()) {
                    updated++;
                }
            } catch (RuntimeException e) {
                LOG.warn("profile not updated in room user_id={} room_id={} reason={}", user, roomId, e.getMessage());
            }
        }
        LOG.info("profile updated user_id={} rooms_updated={}", user, updated);
    }

    /** The path's user's profile: a local account's, or a remote user's as their server answers; 404 otherwise. */
    private Profile existing(MatrixRequest request) {
        UserId user = request.pathParam("userId", UserId::parse);
        if (!user.server().equals(serverName)) {
            return remote.profile(user).orElseThrow(() -> MatrixException.notFound("profile not found"));
        }
        if (!localUserExists.test(user)) {
            throw MatrixException.notFound("profile not found");
        }
        return store.get(user);
    }

    /** The path's user, who must be the requester: nobody changes another user's profile. */
    private static UserId own(MatrixRequest request) {
        UserId requester = request.requireDevice().userId();
        UserId user = request.pathParam("userId", UserId::parse);
        if (!user.equals(requester)) {
            throw MatrixException.forbidden("you cannot change the profile of another user");
        }
        return user;
    }

    private static Optional<String> value(ObjectNode body, String field, int maxChars) {
        JsonNode node = body.get(field);
        if (node == null) {
            throw MatrixException.missingParam(field);
        }
        if (!node.isTextual()) {
            throw MatrixException.badJson(field + " must be a string");
        }
        String value = node.textValue();
        if (value.codePointCount(0, value.length()) > maxChars) {
            throw MatrixException.invalidParam(field, "longer than " + maxChars + " characters");
        }
        if (value.getBytes(StandardCharsets.UTF_8).length == 0) {
            return Optional.empty();
        }
        return Optional.of(value);
    }

    private static MatrixResponse field(Optional<String> value, String field) {
        return MatrixResponse.ok(JsonNodeFactory.instance.objectNode().put(field,
                value.orElseThrow(() -> MatrixException.notFound("the profile has no " + field))));
    }
}
