package dev.starling.protocol.auth;

import static dev.starling.protocol.auth.RoomFixture.ALICE;
import static dev.starling.protocol.auth.RoomFixture.BOB;
import static dev.starling.protocol.auth.RoomFixture.CAROL;
import static dev.starling.protocol.auth.RoomFixture.MOD;
import static dev.starling.protocol.auth.RoomFixture.createContent;
import static dev.starling.protocol.auth.RoomFixture.json;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.rooms.RoomVersion;

/** Rule 4.1 (member shape), 4.3 (join) and 4.8 (unknown membership). */
final class JoinCases {
    private JoinCases() {}

    static ObjectNode join(String via) {
        ObjectNode content = JsonNodeFactory.instance.objectNode().put("membership", "join");
        return via == null ? content : content.put("join_authorised_via_users_server", via);
    }

    static void add(AuthCase.Rows rows) {
        RoomVersion v = rows.version;
        RoomFixture room = rows.standard();

        // 4.1, 4.8
        rows.deny(AuthRule.MEMBERSHIP, "member event without state_key",
                room.event(EventTypes.MEMBER, CAROL, null, json("{'membership':'join'}")), room);
        rows.deny(AuthRule.MEMBERSHIP, "member event without membership", room.member(CAROL, CAROL.value(), json("{}")), room);
        rows.deny(AuthRule.MEMBERSHIP, "member event with a non-string membership",
                room.member(CAROL, CAROL.value(), json("{'membership':1}")), room);
        rows.deny(AuthRule.MEMBERSHIP, "unknown membership 'dance'", room.member(CAROL, CAROL, "dance"), room);
        rows.deny(AuthRule.MEMBERSHIP, "member state_key that is not a user ID",
                room.member(CAROL, "carol", json("{'membership':'join'}")), room);

        // 4.3.1: the creator's first join right after the create event.
        RoomFixture fresh = RoomFixture.bare(v);
        rows.allow("creator's first join after the create event", fresh.member(ALICE, ALICE, "join"), fresh);
        rows.deny(AuthRule.JOIN, "another user's join right after the create event (no join rules: invite-only)",
                fresh.member(BOB, BOB, "join"), fresh);
        RoomFixture named = RoomFixture.bare(v, createContent(v).put("creator", CAROL.value()));
        rows.expect(rows.v10(), AuthRule.JOIN, "first join of content.creator (the creator in v10 only)",
                named.member(CAROL, CAROL, "join"), named);
        rows.expect(!rows.v10(), AuthRule.JOIN, "first join of the create sender (the creator from v11)",
                named.member(ALICE, ALICE, "join"), named);
        if (v.privilegedCreators()) {
            RoomFixture extra = RoomFixture.bare(v, createContent(v).set("additional_creators", RoomFixture.value("['@zara:example.org']")));
            rows.deny(AuthRule.JOIN, "(v12) an additional creator has no first-join exception",
                    extra.member(RoomFixture.ZARA, RoomFixture.ZARA, "join"), extra);
        }

        // 4.3.2, 4.3.3, 4.3.6
        rows.allow("public room: a new user joins", room.member(CAROL, CAROL, "join"), room);
        rows.deny(AuthRule.JOIN, "public room: join sent for someone else", room.member(BOB, CAROL, "join"), room);
        RoomFixture banned = room.copy().membership(CAROL, "ban");
        rows.deny(AuthRule.JOIN, "public room: banned user joins", banned.member(CAROL, CAROL, "join"), banned);
        rows.allow("public room: a user who left joins again", room.member(CAROL, CAROL, "join"),
                room.copy().membership(CAROL, "leave"));

        // 4.3.4
        for (String rule : new String[] {"invite", "knock"}) {
            RoomFixture closed = room.copy().joinRule(rule);
            rows.allow(rule + " room: invited user joins", closed.member(CAROL, CAROL, "join"),
                    closed.copy().membership(CAROL, "invite"));
            rows.allow(rule + " room: joined user re-joins (profile change)", closed.member(BOB, BOB, "join"), closed);
            rows.deny(AuthRule.JOIN, rule + " room: uninvited user joins", closed.member(CAROL, CAROL, "join"), closed);
            rows.deny(AuthRule.JOIN, rule + " room: user who knocked joins", closed.member(CAROL, CAROL, "join"),
                    closed.copy().membership(CAROL, "knock"));
        }
        RoomFixture noRules = room.copy().remove(AuthEventSelection.JOIN_RULES);
        rows.deny(AuthRule.JOIN, "no join rules event (invite-only): uninvited user joins",
                noRules.member(CAROL, CAROL, "join"), noRules);
        rows.allow("no join rules event (invite-only): invited user joins", noRules.member(CAROL, CAROL, "join"),
                noRules.copy().membership(CAROL, "invite"));
        RoomFixture priv = room.copy().joinRule("private");
        rows.deny(AuthRule.JOIN, "join rule 'private' (not a known rule): joined user re-joins",
                priv.member(BOB, BOB, "join"), priv);

        // 4.3.5
        for (String rule : new String[] {"restricted", "knock_restricted"}) {
            RoomFixture r = room.copy().joinRule(rule);
            rows.allow(rule + ": invited user joins without an authoriser", r.member(CAROL, CAROL.value(), join(null)),
                    r.copy().membership(CAROL, "invite"));
            rows.allow(rule + ": joined member authorises (invite level 0)",
                    r.member(CAROL, CAROL.value(), join(BOB.value())), r);
            rows.deny(AuthRule.JOIN, rule + ": no join_authorised_via_users_server",
                    r.member(CAROL, CAROL.value(), join(null)), r);
            rows.deny(AuthRule.JOIN, rule + ": authoriser is not joined",
                    r.member(CAROL, CAROL.value(), join(RoomFixture.user("nobody").value())), r);
            rows.deny(AuthRule.JOIN, rule + ": authoriser is not a valid user ID",
                    r.member(CAROL, CAROL.value(), join("bob")), r);
            rows.deny(AuthRule.JOIN, rule + ": authoriser is not a string",
                    r.member(CAROL, CAROL.value(), join(null).put("join_authorised_via_users_server", 5)), r);
            rows.deny(AuthRule.JOIN, rule + ": banned user with a valid authoriser",
                    r.member(CAROL, CAROL.value(), join(MOD.value())), r.copy().membership(CAROL, "ban"));
        }
        RoomFixture strict = RoomFixture.standard(v, createContent(v), pl -> pl.put("invite", 50)).joinRule("restricted");
        rows.deny(AuthRule.JOIN, "restricted: authoriser below the invite level",
                strict.member(CAROL, CAROL.value(), join(BOB.value())), strict);
        rows.allow("restricted: authoriser at the invite level", strict.member(CAROL, CAROL.value(), join(MOD.value())), strict);
        RoomFixture top = RoomFixture.standard(v, createContent(v), pl -> pl.put("invite", RoomFixture.MAX)).joinRule("restricted");
        rows.expect(rows.v12(), AuthRule.JOIN, "restricted: the creator authorises with invite level 2^53−1 (creators beat any level in v12)",
                top.member(CAROL, CAROL.value(), join(ALICE.value())), top);
    }
}
