package dev.starling.server.sync;

import dev.starling.protocol.id.DeviceId;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import java.util.List;
import java.util.Optional;

/**
 * One read of a /sync, as every {@link SyncSource} sees it: whose, from which token, up to which positions
 * (taken once, before any source reads, so one answer is a consistent cut), and with what filter.
 *
 * @param since empty for an initial sync
 * @param upTo the token this answer's {@code next_batch} will be: read nothing after it
 * @param joinedRooms the rooms the user was joined to when this read began
 */
public record SyncRequest(UserId user, DeviceId device, Optional<SyncToken> since, SyncToken upTo,
        boolean fullState, SyncFilter filter, List<RoomId> joinedRooms) {
    public SyncRequest {
        joinedRooms = List.copyOf(joinedRooms);
    }

    /** The global stream position after which changes are new ({@code 0} for an initial sync). */
    public long after() {
        return Math.min(since.map(SyncToken::position).orElse(0L), upTo.position());
    }

    public boolean initial() {
        return since.isEmpty();
    }
}
