package dev.starling.server.presence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.UserId;
import dev.starling.server.filters.EventTypeFilter;
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
 * The room-sharing read happens only when some presence changed.
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
        if (!EventTypeFilter.at(request.filter().json(), "presence").allowsType(TYPE)) {
            return false;
        }
        long since = request.since().map(SyncToken::ephemeral).orElse(-1L);
        boolean everything = since < 0 || since > presence.position();
        List<UserPresence> changed = new ArrayList<>(
                presence.changedBetween(everything ? 0 : since, request.upTo().ephemeral()));
        if (everything) {
            changed.removeIf(p -> p.state() == PresenceState.OFFLINE);
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
