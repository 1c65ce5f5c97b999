package dev.starling.server.profile;

import dev.starling.protocol.id.UserId;
import java.util.Optional;

/** How the profile of another server's user is asked of that server (federation's {@code /query/profile}). */
@FunctionalInterface
public interface RemoteProfiles {
    /** The remote user's profile; empty when the server says there is none or cannot be reached. */
    Optional<Profile> profile(UserId user);

    /** No federation: no remote profile is found. */
    RemoteProfiles NONE = user -> Optional.empty();
}
