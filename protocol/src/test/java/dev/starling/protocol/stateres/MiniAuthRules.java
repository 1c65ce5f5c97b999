package dev.starling.protocol.stateres;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.protocol.auth.AuthException;
import dev.starling.protocol.auth.AuthRule;
import dev.starling.protocol.auth.PowerLevels;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.rooms.RoomVersion;
import java.util.Iterator;
import java.util.Map;

/**
 * TEST ONLY: a small subset of the authorization rules (joined sender, power levels for state events, kicks and
 * bans, join rules, bans, creator power), enough for the state resolution scenarios while the real
 * {@code AuthRules.check} is being written. The scenario tests run against the real rules unless the system
 * property {@code stateres.miniAuth=true} selects this one (see {@link Scenarios#rules()}).
 */
final class MiniAuthRules implements AuthCheck {
    static final MiniAuthRules INSTANCE = new MiniAuthRules();

    @Override
    public void check(Pdu event, Map<StateKey, Pdu> state) {
        if (event.isCreateEvent()) {
            return;
        }
        Pdu create = state.get(new StateKey(EventTypes.CREATE, ""));
        if (create == null) {
            throw new AuthException(AuthRule.AUTH_EVENTS, "no create event");
        }
        Pdu plEvent = state.get(new StateKey(EventTypes.POWER_LEVELS, ""));
        PowerLevels pl = plEvent == null ? PowerLevels.withoutEvent() : PowerLevels.fromContent(plEvent.content());
        String sender = event.sender().value();
        String senderMembership = membership(state, sender);
        if (EventTypes.MEMBER.equals(event.type())) {
            checkMember(event, state, create, plEvent, pl);
            return;
        }
        if (!"join".equals(senderMembership)) {
            throw new AuthException(AuthRule.SENDER_NOT_JOINED, sender + " is " + senderMembership);
        }
        long senderLevel = level(sender, create, plEvent, pl);
        if (senderLevel < pl.eventLevel(event.type(), event.isState())) {
            throw new AuthException(AuthRule.INSUFFICIENT_POWER, sender + " may not send " + event.type());
        }
        if (event.is(EventTypes.POWER_LEVELS)) {
            checkPowerLevels(event, create, plEvent, pl, senderLevel);
        }
    }

    private static void checkMember(Pdu event, Map<StateKey, Pdu> state, Pdu create, Pdu plEvent, PowerLevels pl) {
        String sender = event.sender().value();
        String target = event.stateKey().orElseThrow();
        String membership = Events.membership(event);
        String senderMembership = membership(state, sender);
        String targetMembership = membership(state, target);
        long senderLevel = level(sender, create, plEvent, pl);
        long targetLevel = level(target, create, plEvent, pl);
        switch (membership == null ? "" : membership) {
            case "join" -> {
                if (!sender.equals(target)) {
                    throw new AuthException(AuthRule.MEMBERSHIP, "join for someone else");
                }
                if (sender.equals(create.sender().value()) && targetMembership == null) {
                    return; // the creator's first join
                }
                if ("ban".equals(targetMembership)) {
                    throw new AuthException(AuthRule.MEMBERSHIP, target + " is banned");
                }
                if ("join".equals(targetMembership) || "invite".equals(targetMembership)) {
                    return;
                }
                Pdu rules = state.get(new StateKey(EventTypes.JOIN_RULES, ""));
                if (rules != null && "public".equals(rules.content().path("join_rule").asText())) {
                    return;
                }
                throw new AuthException(AuthRule.MEMBERSHIP, "the room is not public");
            }
            case "invite" -> {
                requireJoined(sender, senderMembership);
                if ("join".equals(targetMembership) || "ban".equals(targetMembership) || senderLevel < pl.invite()) {
                    throw new AuthException(AuthRule.MEMBERSHIP, "invite not allowed");
                }
            }
            case "leave" -> {
                if (sender.equals(target)) {
                    if (!"join".equals(targetMembership) && !"invite".equals(targetMembership)
                            && !"knock".equals(targetMembership)) {
                        throw new AuthException(AuthRule.MEMBERSHIP, "not in the room");
                    }
                    return;
                }
                requireJoined(sender, senderMembership);
                if ("ban".equals(targetMembership) && senderLevel < pl.ban()) {
                    throw new AuthException(AuthRule.INSUFFICIENT_POWER, "unban needs ban level");
                }
                if (senderLevel < pl.kick() || targetLevel >= senderLevel) {
                    throw new AuthException(AuthRule.INSUFFICIENT_POWER, "kick not allowed");
                }
            }
            case "ban" -> {
                requireJoined(sender, senderMembership);
                if (senderLevel < pl.ban() || targetLevel >= senderLevel) {
                    throw new AuthException(AuthRule.INSUFFICIENT_POWER, "ban not allowed");
                }
            }
            default -> throw new AuthException(AuthRule.MEMBERSHIP, "unknown membership " + membership);
        }
    }

    private static void checkPowerLevels(Pdu event, Pdu create, Pdu plEvent, PowerLevels old, long senderLevel) {
        PowerLevels proposed = PowerLevels.fromContent(event.content());
        RoomVersion version = event.roomVersion();
        if (version.privilegedCreators()) {
            for (Iterator<String> it = event.content().path("users").fieldNames(); it.hasNext(); ) {
                if (level(it.next(), create, null, old) == ReverseTopologicalSort.CREATOR_POWER) {
                    throw new AuthException(AuthRule.POWER_LEVELS, "creators cannot be given a level");
                }
            }
        }
        if (plEvent == null) {
            return;
        }
        long[][] levels = {
            {old.ban(), proposed.ban()}, {old.kick(), proposed.kick()}, {old.invite(), proposed.invite()},
            {old.redact(), proposed.redact()}, {old.stateDefault(), proposed.stateDefault()},
            {old.eventsDefault(), proposed.eventsDefault()}, {old.usersDefault(), proposed.usersDefault()}};
        for (long[] pair : levels) {
            if (pair[0] != pair[1] && (pair[0] > senderLevel || pair[1] > senderLevel)) {
                throw new AuthException(AuthRule.POWER_LEVELS, "level change above the sender's");
            }
        }
        java.util.Set<String> users = new java.util.HashSet<>(old.users().keySet());
        users.addAll(proposed.users().keySet());
        for (String user : users) {
            Long before = old.users().get(user);
            Long after = proposed.users().get(user);
            if (java.util.Objects.equals(before, after)) {
                continue;
            }
            if (!user.equals(event.sender().value()) && before != null && before >= senderLevel) {
                throw new AuthException(AuthRule.POWER_LEVELS, "cannot change the level of " + user);
            }
            if ((before != null && before > senderLevel) || (after != null && after > senderLevel)) {
                throw new AuthException(AuthRule.POWER_LEVELS, "level above the sender's for " + user);
            }
        }
    }

    private static void requireJoined(String sender, String membership) {
        if (!"join".equals(membership)) {
            throw new AuthException(AuthRule.SENDER_NOT_JOINED, sender + " is " + membership);
        }
    }

    private static String membership(Map<StateKey, Pdu> state, String user) {
        Pdu member = state.get(new StateKey(EventTypes.MEMBER, user));
        return member == null ? null : Events.membership(member);
    }

    private static long level(String user, Pdu create, Pdu plEvent, PowerLevels pl) {
        RoomVersion version = create.roomVersion();
        boolean creator = user.equals(create.sender().value());
        if (version.privilegedCreators()) {
            JsonNode additional = create.content().path("additional_creators");
            for (JsonNode node : additional) {
                creator |= user.equals(node.asText());
            }
            if (creator) {
                return ReverseTopologicalSort.CREATOR_POWER;
            }
        }
        if (plEvent == null) {
            return creator && (version.creatorIsSender() || user.equals(create.content().path("creator").asText()))
                    ? 100 : 0;
        }
        Long listed = pl.users().get(user);
        return listed != null ? listed : pl.usersDefault();
    }
}
