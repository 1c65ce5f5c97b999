package dev.starling.protocol.auth;

import static dev.starling.protocol.auth.AuthContext.BAN;
import static dev.starling.protocol.auth.AuthContext.INVITE;
import static dev.starling.protocol.auth.AuthContext.JOIN;
import static dev.starling.protocol.auth.AuthContext.KNOCK;
import static dev.starling.protocol.auth.AuthContext.LEAVE;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.UserId;

/**
 * Rule 4 (v12: 5), {@code m.room.member} (spec: Room Versions 10, 11 and 12, "Authorisation rules"). Every
 * branch ends in allow or reject; member events never reach the generic power-level rules.
 *
 * <p>Rule 4.2, the signature of the {@code join_authorised_via_users_server} user's server, is a signature
 * check and belongs to the signature step of the pipeline, which has the keys; it is not done here.
 */
final class MembershipRules {
    private static final String PUBLIC = "public";
    private static final String RESTRICTED = "restricted";
    private static final String KNOCK_RESTRICTED = "knock_restricted";

    private MembershipRules() {}

    static void check(AuthContext ctx) {
        Pdu event = ctx.event;
        // 4.1
        if (event.stateKey().isEmpty()) {
            throw new AuthException(AuthRule.MEMBERSHIP, "m.room.member has no state_key");
        }
        JsonNode membershipNode = event.content().get("membership");
        if (membershipNode == null || !membershipNode.isTextual()) {
            throw new AuthException(AuthRule.MEMBERSHIP, "content.membership is missing or not a string");
        }
        UserId target;
        try {
            target = UserId.parse(event.stateKey().get());
        } catch (InvalidIdentifierException e) {
            throw new AuthException(AuthRule.MEMBERSHIP, "state_key is not a valid user ID: " + e.getMessage());
        }
        switch (membershipNode.textValue()) {
            case JOIN -> join(ctx, target);
            case INVITE -> invite(ctx, target);
            case LEAVE -> leave(ctx, target);
            case BAN -> ban(ctx, target);
            case KNOCK -> knock(ctx, target);
            // 4.8
            default -> throw new AuthException(AuthRule.MEMBERSHIP, "unknown membership '" + membershipNode.textValue() + "'");
        }
    }

    /** 4.3 */
    private static void join(AuthContext ctx, UserId target) {
        Pdu event = ctx.event;
        // 4.3.1: the creator's own first join, straight after the create event.
        if (event.prevEvents().size() == 1 && event.prevEvents().get(0).equals(ctx.create.eventId())
                && target.value().equals(Creators.legacyCreator(ctx.create))) {
            return;
        }
        // 4.3.2
        if (!event.sender().equals(target)) {
            throw new AuthException(AuthRule.JOIN, "a join's sender must be the joining user (state_key)");
        }
        String current = ctx.membership(target.value());
        // 4.3.3
        if (BAN.equals(current)) {
            throw new AuthException(AuthRule.JOIN, "the user is banned");
        }
        String joinRule = ctx.joinRule();
        switch (joinRule) {
            // 4.3.4
            case INVITE, KNOCK -> {
                if (!INVITE.equals(current) && !JOIN.equals(current)) {
                    throw new AuthException(AuthRule.JOIN, "join rule '" + joinRule + "' needs an invite; membership is " + current);
                }
            }
            // 4.3.5
            case RESTRICTED, KNOCK_RESTRICTED -> {
                if (!INVITE.equals(current) && !JOIN.equals(current)) {
                    checkJoinAuthoriser(ctx);
                }
            }
            // 4.3.6
            case PUBLIC -> { }
            // 4.3.7
            default -> throw new AuthException(AuthRule.JOIN, "join rule '" + joinRule + "' allows no joins");
        }
    }

    /** 4.3.5.2: the authorising user must be joined and able to invite. */
    private static void checkJoinAuthoriser(AuthContext ctx) {
        JsonNode via = ctx.event.content().get("join_authorised_via_users_server");
        if (via == null) {
            throw new AuthException(AuthRule.JOIN, "restricted join without invite needs join_authorised_via_users_server");
        }
        UserId authoriser;
        try {
            authoriser = UserId.parse(via.isTextual() ? via.textValue() : "");
        } catch (InvalidIdentifierException e) {
            throw new AuthException(AuthRule.JOIN, "join_authorised_via_users_server is not a valid user ID");
        }
        if (!JOIN.equals(ctx.membership(authoriser.value()))) {
            throw new AuthException(AuthRule.JOIN, "the authorising user " + authoriser + " is not joined");
        }
        long level = ctx.levels.user(authoriser);
        if (level < ctx.levels.invite()) {
            throw new AuthException(AuthRule.JOIN, "the authorising user " + authoriser + " has level "
                    + Levels.describe(level) + ", below the invite level " + ctx.levels.invite());
        }
    }

    /** 4.4 */
    private static void invite(AuthContext ctx, UserId target) {
        JsonNode thirdParty = ctx.event.content().get("third_party_invite");
        if (thirdParty != null) {
            ThirdPartyInviteRules.check(ctx, target, thirdParty);
            return;
        }
        // 4.4.2
        String senderMembership = ctx.membership(ctx.event.sender().value());
        if (!JOIN.equals(senderMembership)) {
            throw new AuthException(AuthRule.INVITE, "the inviter is not joined (membership " + senderMembership + ")");
        }
        // 4.4.3
        String current = ctx.membership(target.value());
        if (JOIN.equals(current) || BAN.equals(current)) {
            throw new AuthException(AuthRule.INVITE, "the invited user's membership is " + current);
        }
        // 4.4.4, 4.4.5
        long level = ctx.senderLevel();
        if (level < ctx.levels.invite()) {
            throw new AuthException(AuthRule.INVITE, "sender level " + Levels.describe(level)
                    + " is below the invite level " + ctx.levels.invite());
        }
    }

    /** 4.5: leaving, rejecting an invite, retracting a knock, kicking and unbanning. */
    private static void leave(AuthContext ctx, UserId target) {
        Pdu event = ctx.event;
        String current = ctx.membership(target.value());
        // 4.5.1
        if (event.sender().equals(target)) {
            if (!INVITE.equals(current) && !JOIN.equals(current) && !KNOCK.equals(current)) {
                throw new AuthException(AuthRule.LEAVE, "cannot leave with membership " + current);
            }
            return;
        }
        // 4.5.2
        String senderMembership = ctx.membership(event.sender().value());
        if (!JOIN.equals(senderMembership)) {
            throw new AuthException(AuthRule.LEAVE, "the sender is not joined (membership " + senderMembership + ")");
        }
        long senderLevel = ctx.senderLevel();
        // 4.5.3: unbanning needs the ban level too.
        if (BAN.equals(current) && senderLevel < ctx.levels.ban()) {
            throw new AuthException(AuthRule.LEAVE, "unbanning needs the ban level " + ctx.levels.ban()
                    + "; sender level is " + Levels.describe(senderLevel));
        }
        // 4.5.4, 4.5.5
        if (senderLevel < ctx.levels.kick()) {
            throw new AuthException(AuthRule.LEAVE, "sender level " + Levels.describe(senderLevel)
                    + " is below the kick level " + ctx.levels.kick());
        }
        long targetLevel = ctx.levels.user(target);
        if (targetLevel >= senderLevel) {
            throw new AuthException(AuthRule.LEAVE, "the target's level " + Levels.describe(targetLevel)
                    + " is not below the sender's " + Levels.describe(senderLevel));
        }
    }

    /** 4.6 */
    private static void ban(AuthContext ctx, UserId target) {
        String senderMembership = ctx.membership(ctx.event.sender().value());
        if (!JOIN.equals(senderMembership)) {
            throw new AuthException(AuthRule.BAN, "the sender is not joined (membership " + senderMembership + ")");
        }
        long senderLevel = ctx.senderLevel();
        if (senderLevel < ctx.levels.ban()) {
            throw new AuthException(AuthRule.BAN, "sender level " + Levels.describe(senderLevel)
                    + " is below the ban level " + ctx.levels.ban());
        }
        long targetLevel = ctx.levels.user(target);
        if (targetLevel >= senderLevel) {
            throw new AuthException(AuthRule.BAN, "the target's level " + Levels.describe(targetLevel)
                    + " is not below the sender's " + Levels.describe(senderLevel));
        }
    }

    /** 4.7 */
    private static void knock(AuthContext ctx, UserId target) {
        String joinRule = ctx.joinRule();
        if (!KNOCK.equals(joinRule) && !KNOCK_RESTRICTED.equals(joinRule)) {
            throw new AuthException(AuthRule.KNOCK, "join rule '" + joinRule + "' does not allow knocking");
        }
        if (!ctx.event.sender().equals(target)) {
            throw new AuthException(AuthRule.KNOCK, "a knock's sender must be the knocking user (state_key)");
        }
        String current = ctx.membership(target.value());
        if (BAN.equals(current) || INVITE.equals(current) || JOIN.equals(current)) {
            throw new AuthException(AuthRule.KNOCK, "cannot knock with membership " + current);
        }
    }

    /** The {@code join_authorised_via_users_server} of a join, if it is a string. */
    static String joinAuthoriser(ObjectNode content) {
        JsonNode via = content.get("join_authorised_via_users_server");
        return via != null && via.isTextual() ? via.textValue() : null;
    }
}
