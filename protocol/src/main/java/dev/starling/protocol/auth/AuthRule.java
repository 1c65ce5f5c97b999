package dev.starling.protocol.auth;

/**
 * The authorization rule an event broke (see {@link AuthException}). The comments give the rule numbers of
 * room version 11 (version 12 inserts its room-ID rule as rule 2, shifting the later ones by one).
 */
public enum AuthRule {
    /** Rule 1: a malformed {@code m.room.create} (prev_events, room_id, room_version, creator, additional_creators). */
    CREATE,
    /** v12 rule 2 (and a sanity check before): the event's room is not the room of the state's create event. */
    ROOM_ID,
    /** Rule 2 (v12: 3): duplicate, unexpected, missing or foreign entries in {@code auth_events}. */
    AUTH_EVENTS,
    /** The state holds no {@code m.room.create} event, so nothing can be authorised. */
    MISSING_CREATE,
    /** Rule 3: {@code m.federate} is false and the sender is on another server than the creator. */
    FEDERATION,
    /** Rule 4.1, 4.8: a member event without a valid state key or membership, or with an unknown membership. */
    MEMBERSHIP,
    /** Rule 4.3: a join the join rules, bans or restricted-join authorisation do not allow. */
    JOIN,
    /** Rule 4.4.2 to 4.4.5: an invite the sender may not make. */
    INVITE,
    /** Rule 4.4.1: an invite from a third-party invite token that does not check out. */
    THIRD_PARTY_INVITE,
    /** Rule 4.5: a leave, kick or unban the sender may not make. */
    LEAVE,
    /** Rule 4.6: a ban the sender may not make. */
    BAN,
    /** Rule 4.7: a knock the join rules or the sender's membership do not allow. */
    KNOCK,
    /** Rule 5: the sender of a non-membership event is not joined. */
    SENDER_NOT_JOINED,
    /** Rules 6 and 7: the sender's power level is below the level the event needs. */
    INSUFFICIENT_POWER,
    /** Rule 8: a state key starting with {@code @} that is not the sender's user ID. */
    STATE_KEY_NOT_SENDER,
    /** Rule 9: a malformed power-levels content, or a change beyond the sender's own level. */
    POWER_LEVELS,
    /** "Handling redactions": the redaction may not be applied to the event it names. */
    REDACTION
}
