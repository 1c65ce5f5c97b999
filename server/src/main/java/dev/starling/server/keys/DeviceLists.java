package dev.starling.server.keys;

import dev.starling.protocol.id.UserId;
import dev.starling.server.rooms.RoomMembers;
import dev.starling.server.storage.Database;
import dev.starling.server.sync.Notifier;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whose device lists a user must refresh (Client-Server API § Tracking the device list for a user): the users
 * sharing a room with them whose devices or cross-signing keys changed, those who started sharing a room with
 * them ({@code changed}) and those who no longer share any ({@code left}). Also wakes the syncs that a change
 * concerns. Thread-safe.
 */
public final class DeviceLists {
    /** The answer of /keys/changes and /sync {@code device_lists}. */
    public record Changes(Set<UserId> changed, Set<UserId> left) {
        public boolean isEmpty() {
            return changed.isEmpty() && left.isEmpty();
        }
    }

    private final Database db;
    private final RoomMembers members;
    private final Notifier notifier;

    public DeviceLists(Database db, RoomMembers members, Notifier notifier) {
        this.db = Objects.requireNonNull(db, "db");
        this.members = Objects.requireNonNull(members, "members");
        this.notifier = Objects.requireNonNull(notifier, "notifier");
    }

    /** The changes {@code user} must learn of between two stream positions, {@code (after, upTo]}. */
    public Changes changes(UserId user, long after, long upTo) {
        Set<UserId> changed = new TreeSet<>((a, b) -> a.value().compareTo(b.value()));
        Set<UserId> left = new TreeSet<>((a, b) -> a.value().compareTo(b.value()));
        if (upTo <= after) {
            return new Changes(changed, left);
        }
        // No device-list change anywhere after since (known in memory): only memberships can matter.
        Set<UserId> keysChanged = db.changes().unchangedSince(KeyStore.DEVICE_LISTS, after) ? Set.of()
                : db.read(c -> KeyStore.changedUsers(c, after, upTo));
        List<RoomMembers.MembershipChange> memberships = members.membershipChanges(user, after, upTo);
        if (keysChanged.isEmpty() && memberships.isEmpty()) {
            return new Changes(changed, left);
        }
        Set<UserId> sharing = members.usersSharingRoomWith(user);
        for (UserId u : keysChanged) {
            if (u.equals(user) || sharing.contains(u)) {
                changed.add(u);
            }
        }
        for (RoomMembers.MembershipChange change : memberships) {
            if (!List.of("join", "leave", "ban").contains(change.membership())) {
                continue;
            }
            // Our own join or leave changes whom we share a room with: everyone in that room.
            Set<UserId> touched = change.target().equals(user) ? members.joinedMembers(change.roomId())
                    : Set.of(change.target());
            for (UserId u : touched) {
                if (!u.equals(user)) {
                    (sharing.contains(u) ? changed : left).add(u);
                }
            }
        }
        left.removeAll(changed);
        return new Changes(changed, left);
    }

    /** After a commit that changed {@code user}'s keys: wakes the syncs of the user and of everyone sharing a room. */
    public void wake(UserId user) {
        notifier.wakeUser(user);
        members.usersSharingRoomWith(user).forEach(notifier::wakeUser);
    }
}
