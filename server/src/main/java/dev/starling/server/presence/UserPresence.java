package dev.starling.server.presence;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.UserId;
import java.util.Objects;
import java.util.Optional;

/**
 * One user's presence as this server knows it, at the ephemeral position of its last change.
 *
 * @param lastActiveTs when the user was last active (milliseconds since the epoch), 0 if never seen active
 * @param currentlyActive whether the user counts as active now (only ever true when online)
 * @param position the {@code sync.EphemeralStream} position of the last change a client would see
 */
public record UserPresence(UserId user, PresenceState state, Optional<String> statusMsg, long lastActiveTs,
        boolean currentlyActive, long position) {
    public UserPresence {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(statusMsg, "statusMsg");
    }

    /** Nothing known: offline, never active. */
    static UserPresence unknown(UserId user) {
        return new UserPresence(user, PresenceState.OFFLINE, Optional.empty(), 0, false, 0);
    }

    /**
     * The content of the {@code m.presence} event, as of {@code nowMs}: {@code presence}, {@code last_active_ago}
     * when the user was ever active, {@code currently_active} when online, {@code status_msg} when set.
     */
    public ObjectNode content(long nowMs) {
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        content.put("presence", state.wire());
        if (lastActiveTs > 0) {
            content.put("last_active_ago", Math.max(0, nowMs - lastActiveTs));
        }
        if (state == PresenceState.ONLINE) {
            content.put("currently_active", currentlyActive);
        }
        statusMsg.ifPresent(msg -> content.put("status_msg", msg));
        return content;
    }
}
