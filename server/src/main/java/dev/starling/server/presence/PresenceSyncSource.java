package dev.starling.server.presence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.UserId;
import dev.starling.server.sync.SyncRequest;
import dev.starling.server.sync.SyncResponse;
import dev.starling.server.sync.SyncSource;
import dev.starling.server.sync.SyncToken;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * {@code presence.events} of /sync (Client-Server API § Presence, § Syncing): an {@code m.presence} event for
 * each user sharing a room with the syncing user (and the user themselves) whose presence changed after the
 * token's ephemeral position; on an initial sync, or with a token ahead of the current position (from before a
 * restart), every such user who is not offline. The filter's {@code presence} part applies: {@code types} /
 * {@code not_types}, {@code senders} / {@code not_senders} and {@code limit} (the most recent changes are kept).
 * On an incremental sync, a join in a room of the answer also brings the current presence of the user who joined
 * and, when that is the syncing user, of the room's members (as Synapse: a new room peer is shown at once, not
 * at their next change). The room-sharing read happens only when some presence changed.
 */
public final class PresenceSyncSource implements SyncSource {
    static final String TYPE = "m.presence";

    private final Presence presence;

    public PresenceSyncSource(Presence presence) {
        this.presence = presence;
    }

    @Override
    public boolean write(SyncRequest request, SyncResponse response) {
        if (!presence.enabled()) {
            return false;
        }
        JsonNode filter = request.filter().json().path("presence");
        if (!request.filter().eventTypes("presence").allowsType(TYPE)) {
            return false;
        }
        long since = request.since().map(SyncToken::ephemeral).orElse(-1L);
        boolean everything = since < 0 || since > presence.position();
        List<UserPresence> changed = new ArrayList<>(
                presence.changedBetween(everything ? 0 : since, request.upTo().ephemeral()));
        if (everything) {
            changed.removeIf(p -> p.state() == PresenceState.OFFLINE);
        } else {
            changed.addAll(newPeers(request, response, changed));
        }
        changed.removeIf(p -> !senderAllowed(filter, p.user()));
        if (changed.isEmpty()) {
            return false;
        }
        Set<UserId> audience = presence.audience().usersSharingRoomWith(request.user());
        changed.removeIf(p -> !p.user().equals(request.user()) && !audience.contains(p.user()));
        if (changed.isEmpty()) {
            return false;
        }
        changed.sort(Comparator.comparingLong(UserPresence::position));
        JsonNode limit = filter.path("limit");
        if (limit.isIntegralNumber() && limit.asLong() > 0 && limit.asLong() < changed.size()) {
            changed = changed.subList(changed.size() - (int) limit.asLong(), changed.size());
        }
        long now = presence.nowMs();
        ArrayNode events = response.section("presence").withArrayProperty("events");
        for (UserPresence p : changed) {
            ObjectNode event = events.addObject();
            event.put("type", TYPE);
            event.put("sender", p.user().value());
            event.set("content", p.content(now));
        }
        return true;
    }

    /**
     * The current presence (not offline, not already in {@code changed}) of the users whose join is in a joined
     * room's timeline or state in this answer, and of every member of a room the syncing user joined in it.
     */
    private List<UserPresence> newPeers(SyncRequest request, SyncResponse response, List<UserPresence> changed) {
        JsonNode joined = response.body().path("rooms").path("join");
        if (!joined.isObject() || joined.isEmpty()) {
            return List.of();
        }
        Set<UserId> peers = new java.util.LinkedHashSet<>();
        for (var room : joined.properties()) {
            for (String section : List.of("timeline", "state")) {
                for (JsonNode event : room.getValue().path(section).path("events")) {
                    if (!event.path("type").asText().equals("m.room.member")
                            || !event.path("content").path("membership").asText().equals("join")
                            || event.path("unsigned").path("prev_content").path("membership").asText().equals("join")) {
                        continue; // not a join, or a profile change of a member
                    }
                    String target = event.path("state_key").asText();
                    if (target.equals(request.user().value())) {
                        presence.audience().joinedMembers(dev.starling.protocol.id.RoomId.parse(room.getKey()))
                                .forEach(peers::add);
                    } else {
                        try {
                            peers.add(UserId.parse(target));
                        } catch (dev.starling.protocol.id.InvalidIdentifierException e) {
                            // not a user: nothing to show
                        }
                    }
                }
            }
        }
        Set<UserId> already = new java.util.HashSet<>();
        changed.forEach(p -> already.add(p.user()));
        List<UserPresence> added = new ArrayList<>();
        for (UserId peer : peers) {
            UserPresence current = presence.get(peer);
            if (!already.contains(peer) && current.state() != PresenceState.OFFLINE
                    && current.position() <= request.upTo().ephemeral()) {
                added.add(current);
            }
        }
        return added;
    }

    /** {@code senders} (absent: everyone) and {@code not_senders} of an EventFilter: exact user IDs. */
    private static boolean senderAllowed(JsonNode filter, UserId user) {
        for (JsonNode excluded : filter.path("not_senders")) {
            if (excluded.asText().equals(user.value())) {
                return false;
            }
        }
        JsonNode senders = filter.path("senders");
        if (!senders.isArray()) {
            return true;
        }
        for (JsonNode allowed : senders) {
            if (allowed.asText().equals(user.value())) {
                return true;
            }
        }
        return false;
    }
}
