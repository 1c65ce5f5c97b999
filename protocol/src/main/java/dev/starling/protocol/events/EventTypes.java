package dev.starling.protocol.events;

/** The event types whose meaning the protocol library knows (spec: "Room Events"). */
public final class EventTypes {
    public static final String CREATE = "m.room.create";
    public static final String MEMBER = "m.room.member";
    public static final String POWER_LEVELS = "m.room.power_levels";
    public static final String JOIN_RULES = "m.room.join_rules";
    public static final String HISTORY_VISIBILITY = "m.room.history_visibility";
    public static final String THIRD_PARTY_INVITE = "m.room.third_party_invite";
    public static final String REDACTION = "m.room.redaction";
    public static final String ALIASES = "m.room.aliases";
    public static final String TOPIC = "m.room.topic";
    public static final String NAME = "m.room.name";
    public static final String MESSAGE = "m.room.message";

    private EventTypes() {}
}
