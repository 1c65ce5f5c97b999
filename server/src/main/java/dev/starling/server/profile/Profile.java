package dev.starling.server.profile;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.Optional;

/** A user's profile (Client-Server API § Profiles): the display name and the avatar's MXC URI, each optional. */
public record Profile(Optional<String> displayname, Optional<String> avatarUrl) {
    public Profile {
        Objects.requireNonNull(displayname, "displayname");
        Objects.requireNonNull(avatarUrl, "avatarUrl");
    }

    /** The fields that are set, as {@code GET /profile} and {@code m.room.member} content carry them. */
    public ObjectNode toJson() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        displayname.ifPresent(v -> out.put(ProfileApi.DISPLAYNAME, v));
        avatarUrl.ifPresent(v -> out.put(ProfileApi.AVATAR_URL, v));
        return out;
    }
}
