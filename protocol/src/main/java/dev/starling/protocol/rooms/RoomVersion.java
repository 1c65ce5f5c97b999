package dev.starling.protocol.rooms;

import java.util.Arrays;
import java.util.List;

/**
 * The room versions Starling implements and the rules that differ between them (spec: "Room Versions").
 * Every version-dependent decision in the library asks one of these flags, never the version string.
 */
public enum RoomVersion {
    /** Version 10: integer-only power levels, {@code knock_restricted}. */
    V10("10", StateResolution.V2, RedactionRules.V10, false),
    /** Version 11: the creator is the create event's sender; redaction keeps more; {@code redacts} in content. */
    V11("11", StateResolution.V2, RedactionRules.V11, false),
    /** Version 12: room ID = create event hash; privileged creators; state resolution v2.1. */
    V12("12", StateResolution.V2_1, RedactionRules.V11, true);

    /** The version the spec recommends for new rooms. */
    public static final RoomVersion DEFAULT = V12;

    /** Which state resolution algorithm a version uses. */
    public enum StateResolution { V2, V2_1 }

    /** Which redaction algorithm a version uses. */
    public enum RedactionRules { V10, V11 }

    private final String id;
    private final StateResolution stateResolution;
    private final RedactionRules redactionRules;
    private final boolean hydra;

    RoomVersion(String id, StateResolution stateResolution, RedactionRules redactionRules, boolean hydra) {
        this.id = id;
        this.stateResolution = stateResolution;
        this.redactionRules = redactionRules;
        this.hydra = hydra;
    }

    /** The version identifier as it appears in {@code m.room.create} and on the wire. */
    public String id() {
        return id;
    }

    public StateResolution stateResolution() {
        return stateResolution;
    }

    public RedactionRules redactionRules() {
        return redactionRules;
    }

    /** v11+: the room creator is the create event's sender; {@code creator} in content has no meaning. */
    public boolean creatorIsSender() {
        return this != V10;
    }

    /** v11+: {@code redacts} lives in the content of {@code m.room.redaction}, not at the top level. */
    public boolean redactsInContent() {
        return this != V10;
    }

    /**
     * v12 ("Project Hydra"): the room ID is {@code !} + the create event's reference hash, the create event has
     * no {@code room_id} and is not listed in other events' {@code auth_events}, and the creators (the sender
     * plus {@code additional_creators}) have unlimited power.
     */
    public boolean roomIdIsCreateEventHash() {
        return hydra;
    }

    /** v12: creators have infinite power level and cannot be given a level in {@code m.room.power_levels}. */
    public boolean privilegedCreators() {
        return hydra;
    }

    /** Parses a version identifier; unsupported or unknown versions are a clear error, never a guess. */
    public static RoomVersion fromId(String id) {
        for (RoomVersion version : values()) {
            if (version.id.equals(id)) {
                return version;
            }
        }
        throw new UnsupportedRoomVersionException(id);
    }

    public static List<String> supportedIds() {
        return Arrays.stream(values()).map(RoomVersion::id).toList();
    }
}
