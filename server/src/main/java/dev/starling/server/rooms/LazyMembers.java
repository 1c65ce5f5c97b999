package dev.starling.server.rooms;

import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.UserId;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Lazy-loading room members (Client-Server API § Lazy-loading room members): instead of every member event,
 * only those of the senders of the events in a response (and, in /sync, the user's own). We do not track which
 * member events a device has already received, so every response carries them again: the spec allows such
 * redundant members, and {@code include_redundant_members} is then always satisfied.
 */
final class LazyMembers {
    private LazyMembers() {}

    /** The member events of {@code senders} (and {@code own}) in the state snapshot {@code group}. */
    static List<Pdu> at(Connection c, long group, Set<String> senders, Optional<UserId> own) throws SQLException {
        Set<String> users = new LinkedHashSet<>(senders);
        own.ifPresent(user -> users.add(user.value()));
        List<String> ids = new ArrayList<>();
        for (String user : users) {
            StateGroups.lookup(c, group, new StateKey(EventTypes.MEMBER, user)).ifPresent(ids::add);
        }
        var events = EventStore.pdus(c, ids);
        return ids.stream().map(events::get).toList();
    }

    /** Whether a state event stays when members are lazy-loaded for {@code members}. */
    static boolean keep(Pdu state, Set<String> members) {
        return !state.type().equals(EventTypes.MEMBER) || members.contains(state.stateKey().orElse(""));
    }
}
