package dev.starling.server.sync;

import dev.starling.protocol.id.DeviceId;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.rooms.RoomFilter;
import java.util.List;
import java.util.Optional;

/**
 * One read of a /sync, as every {@link SyncSource} sees it: whose, from which token, up to which positions
 * (taken once, before any source reads, so one answer is a consistent cut), and with what filter.
 *
 * @param since empty for an initial sync
 * @param upTo the token this answer's {@code next_batch} will be: read nothing after it
 * @param joinedRooms the rooms the user was joined to when this read began
 * @param roomFilter the filter's {@code room} part, parsed
 */
public record SyncRequest(UserId user, DeviceId device, Optional<SyncToken> since, SyncToken upTo,
        boolean fullState, SyncFilter filter, List<RoomId> joinedRooms, RoomFilter roomFilter) {
    public SyncRequest {
        joinedRooms = List.copyOf(joinedRooms);
    }

    /** With the filter's {@code room} part parsed from {@code filter}. */
    public SyncRequest(UserId user, DeviceId device, Optional<SyncToken> since, SyncToken upTo, boolean fullState,
            SyncFilter filter, List<RoomId> joinedRooms) {
        this(user, device, since, upTo, fullState, filter, joinedRooms, RoomFilter.fromJson(filter.json().path("room")));
    }

    /** The global stream position after which changes are new ({@code 0} for an initial sync). */
    public long after() {
        return Math.min(since.map(SyncToken::position).orElse(0L), upTo.position());
    }

    public boolean initial() {
        return since.isEmpty();
    }
}
