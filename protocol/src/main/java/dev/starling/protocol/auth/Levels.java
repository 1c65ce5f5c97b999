package dev.starling.protocol.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.rooms.RoomVersion;

/**
 * The power levels the auth rules read, looked up directly in the current {@code m.room.power_levels}
 * content without copying it: state resolution runs the rules tens of thousands of times in big rooms, and
 * each check needs only a handful of values (spec: Server-Server API, "Definitions"; "m.room.power_levels").
 *
 * <p>Room creators: before v12, with no power-levels event the creator has 100; in v12 the creators (create
 * sender and {@code additional_creators}) have infinite power, represented as {@link #INFINITE}, which is
 * above every level an event can carry (those are at most 2^53−1), so plain comparisons work and nothing
 * is ever added to it.
 */
final class Levels {
    /** The level of a v12 room creator. Never used in arithmetic. */
    static final long INFINITE = Long.MAX_VALUE;
    /** The creator's level in a room without a power-levels event, before v12. */
    static final long CREATOR_WITHOUT_EVENT = 100;

    private final ObjectNode content;
    private final Pdu create;
    private final RoomVersion version;

    Levels(Pdu powerLevels, Pdu create) {
        this.content = powerLevels == null ? null : powerLevels.content();
        this.create = create;
        this.version = create.roomVersion();
    }

    /** The sender's or target's level: infinite for v12 creators, else {@code users}, {@code users_default}. */
    long user(UserId user) {
        if (version.privilegedCreators()) {
            if (Creators.isCreator(create, user)) {
                return INFINITE;
            }
        } else if (content == null && user.value().equals(Creators.legacyCreator(create))) {
            return CREATOR_WITHOUT_EVENT;
        }
        if (content == null) {
            return 0;
        }
        Long listed = integer(content.get("users"), user.value());
        return listed != null ? listed : top("users_default", 0);
    }

    /** The required power level of an event type: {@code events[type]}, else the state or events default. */
    long event(String type, boolean isState) {
        if (content != null) {
            Long listed = integer(content.get("events"), type);
            if (listed != null) {
                return listed;
            }
        }
        return isState ? top("state_default", PowerLevels.DEFAULT_STATE) : top("events_default", 0);
    }

    long ban() {
        return top("ban", PowerLevels.DEFAULT_BAN);
    }

    long kick() {
        return top("kick", PowerLevels.DEFAULT_KICK);
    }

    long invite() {
        return top("invite", PowerLevels.DEFAULT_INVITE);
    }

    long redact() {
        return top("redact", PowerLevels.DEFAULT_REDACT);
    }

    private long top(String key, long fallback) {
        if (content == null) {
            return fallback;
        }
        Long value = asLevel(content.get(key));
        return value != null ? value : fallback;
    }

    private static Long integer(JsonNode object, String key) {
        return object instanceof ObjectNode map ? asLevel(map.get(key)) : null;
    }

    /**
     * A level value, or null when absent or not an integer in ±(2^53−1) (the v10+ rules refuse such
     * power-levels events, so only never-accepted content can carry them; {@link PowerLevels} reads them the
     * same way). So no stored level can reach {@link #INFINITE}.
     */
    static Long asLevel(JsonNode node) {
        return node != null && PowerLevels.isLevel(node) ? node.longValue() : null;
    }

    static String describe(long level) {
        return level == INFINITE ? "infinite (room creator)" : Long.toString(level);
    }
}
