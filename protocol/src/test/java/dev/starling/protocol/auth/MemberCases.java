package dev.starling.protocol.auth;

import static dev.starling.protocol.auth.RoomFixture.ALICE;
import static dev.starling.protocol.auth.RoomFixture.BOB;
import static dev.starling.protocol.auth.RoomFixture.CAROL;
import static dev.starling.protocol.auth.RoomFixture.MAX;
import static dev.starling.protocol.auth.RoomFixture.MOD;
import static dev.starling.protocol.auth.RoomFixture.MOD2;
import static dev.starling.protocol.auth.RoomFixture.ZARA;
import static dev.starling.protocol.auth.RoomFixture.createContent;
import static dev.starling.protocol.auth.RoomFixture.json;

import dev.starling.protocol.rooms.RoomVersion;

/** Rules 4.4 (invite), 4.5 (leave, kick, unban), 4.6 (ban) and 4.7 (knock). */
final class MemberCases {
    private MemberCases() {}

    static void add(AuthCase.Rows rows) {
        RoomVersion v = rows.version;
        RoomFixture room = rows.standard();

        // 4.4
        rows.allow("invite by a joined member (invite level 0)", room.member(BOB, CAROL, "invite"), room);
        rows.allow("invite of a user who left", room.member(BOB, CAROL, "invite"), room.copy().membership(CAROL, "leave"));
        rows.allow("invite of a user who knocked", room.member(BOB, CAROL, "invite"), room.copy().membership(CAROL, "knock"));
        rows.deny(AuthRule.INVITE, "invite by a user who is not joined", room.member(CAROL, RoomFixture.user("x"), "invite"), room);
        rows.deny(AuthRule.INVITE, "invite by a user who is only invited", room.member(CAROL, RoomFixture.user("x"), "invite"),
                room.copy().membership(CAROL, "invite"));
        rows.deny(AuthRule.INVITE, "invite of a joined user", room.member(BOB, MOD, "invite"), room);
        rows.deny(AuthRule.INVITE, "invite of a banned user", room.member(MOD, CAROL, "invite"), room.copy().membership(CAROL, "ban"));
        RoomFixture inviteFifty = room.copy().levels(pl -> pl.put("invite", 50));
        rows.deny(AuthRule.INVITE, "invite below the invite level 50", inviteFifty.member(BOB, CAROL, "invite"), inviteFifty);
        rows.allow("invite at the invite level 50", inviteFifty.member(MOD, CAROL, "invite"), inviteFifty);
        RoomFixture negative = room.copy().levels(pl -> pl.put("users_default", -5).put("invite", -5));
        rows.allow("invite with users_default −5 and invite level −5", negative.member(BOB, CAROL, "invite"), negative);

        // 4.5.1
        rows.allow("joined user leaves", room.member(BOB, BOB, "leave"), room);
        rows.allow("invited user rejects the invite", room.member(CAROL, CAROL, "leave"), room.copy().membership(CAROL, "invite"));
        rows.allow("knocking user retracts the knock", room.member(CAROL, CAROL, "leave"), room.copy().membership(CAROL, "knock"));
        rows.deny(AuthRule.LEAVE, "user with no membership leaves", room.member(CAROL, CAROL, "leave"), room);
        rows.deny(AuthRule.LEAVE, "user who already left leaves again", room.member(CAROL, CAROL, "leave"),
                room.copy().membership(CAROL, "leave"));
        rows.deny(AuthRule.LEAVE, "banned user unbans themself", room.member(CAROL, CAROL, "leave"), room.copy().membership(CAROL, "ban"));
        // 4.5.2 to 4.5.5: kicks
        rows.allow("moderator (50) kicks a user (0)", room.member(MOD, BOB, "leave"), room);
        rows.allow("moderator kicks an invited user (revokes the invite)", room.member(MOD, CAROL, "leave"),
                room.copy().membership(CAROL, "invite"));
        rows.deny(AuthRule.LEAVE, "user (0) kicks a moderator (50)", room.member(BOB, MOD, "leave"), room);
        rows.deny(AuthRule.LEAVE, "moderator kicks a moderator of equal level", room.member(MOD, MOD2, "leave"), room);
        rows.deny(AuthRule.LEAVE, "kick by a sender who is not joined", room.member(MOD, BOB, "leave"), room.copy().membership(MOD, "leave"));
        RoomFixture kickHigh = room.copy().levels(pl -> pl.put("kick", 75));
        rows.deny(AuthRule.LEAVE, "moderator (50) below kick level 75", kickHigh.member(MOD, BOB, "leave"), kickHigh);
        // Unbans need the ban level as well.
        RoomFixture bannedCarol = room.copy().membership(CAROL, "ban");
        rows.allow("moderator unbans (ban and kick levels 50)", bannedCarol.member(MOD, CAROL, "leave"), bannedCarol);
        RoomFixture banHigh = bannedCarol.copy().levels(pl -> pl.put("ban", 75));
        rows.deny(AuthRule.LEAVE, "moderator unbans below ban level 75", banHigh.member(MOD, CAROL, "leave"), banHigh);
        RoomFixture kickHighBanned = bannedCarol.copy().levels(pl -> pl.put("kick", 75));
        rows.deny(AuthRule.LEAVE, "moderator unbans below kick level 75", kickHighBanned.member(MOD, CAROL, "leave"), kickHighBanned);

        // 4.6
        rows.allow("moderator bans a user", room.member(MOD, BOB, "ban"), room);
        rows.allow("moderator bans a user who is not in the room", room.member(MOD, CAROL, "ban"), room);
        rows.deny(AuthRule.BAN, "user (0) bans a moderator", room.member(BOB, MOD, "ban"), room);
        rows.deny(AuthRule.BAN, "moderator bans a moderator of equal level", room.member(MOD, MOD2, "ban"), room);
        rows.deny(AuthRule.BAN, "ban by a sender who is not joined", room.member(MOD, BOB, "ban"), room.copy().membership(MOD, "invite"));
        RoomFixture banTop = room.copy().levels(pl -> pl.put("ban", 100));
        rows.deny(AuthRule.BAN, "moderator (50) below ban level 100", banTop.member(MOD, BOB, "ban"), banTop);
        rows.allow("moderator bans a user with level −1",
                room.member(MOD, BOB, "ban"), room.copy().levels(pl -> RoomFixture.users(pl).put(BOB.value(), -1)));
        rows.deny(AuthRule.BAN, "user bans themself (level not above their own)", room.member(BOB, BOB, "ban"),
                room.copy().levels(pl -> pl.put("ban", 0)));

        // Creators: infinite power in v12, 100 before.
        RoomFixture huge = room.copy().levels(pl -> RoomFixture.users(pl).put(BOB.value(), MAX));
        rows.expect(rows.v12(), AuthRule.BAN, "creator bans a user with level 2^53−1 (creators beat any level in v12)",
                huge.member(ALICE, BOB, "ban"), huge);
        rows.allow("user with level 2^53−1 bans the moderator", huge.member(BOB, MOD, "ban"), huge);
        rows.expect(!rows.v12(), AuthRule.LEAVE, "user with level 2^53−1 kicks the creator (impossible in v12)",
                huge.member(BOB, ALICE, "leave"), huge);
        if (v.privilegedCreators()) {
            RoomFixture two = RoomFixture.standard(v, createContent(v).set("additional_creators", RoomFixture.value("['@zara:example.org']")), pl -> { });
            two.membership(ZARA, "join");
            rows.deny(AuthRule.LEAVE, "(v12) a creator kicks another creator (equal, infinite)", two.member(ALICE, ZARA, "leave"), two);
            rows.allow("(v12) an additional creator bans a moderator", two.member(ZARA, MOD, "ban"), two);
            RoomFixture noLevels = RoomFixture.bare(v, createContent(v).set("additional_creators", RoomFixture.value("['@zara:example.org']")));
            noLevels.apply(noLevels.member(ALICE, ALICE, "join")).membership(ZARA, "join").membership(BOB, "join");
            rows.allow("(v12) an additional creator kicks with no power-levels event", noLevels.member(ZARA, BOB, "leave"), noLevels);
            rows.deny(AuthRule.LEAVE, "(v12) a user kicks with no power-levels event", noLevels.member(BOB, ZARA, "leave"), noLevels);
        } else {
            RoomFixture noLevels = RoomFixture.bare(v);
            noLevels.apply(noLevels.member(ALICE, ALICE, "join")).membership(BOB, "join").membership(CAROL, "join");
            rows.allow("(v10, v11) creator has 100 with no power-levels event and kicks", noLevels.member(ALICE, BOB, "leave"), noLevels);
            rows.deny(AuthRule.LEAVE, "(v10, v11) a user has 0 with no power-levels event", noLevels.member(BOB, CAROL, "leave"), noLevels);
        }

        // 4.7
        for (String rule : new String[] {"knock", "knock_restricted"}) {
            RoomFixture knock = room.copy().joinRule(rule);
            rows.allow(rule + " room: a new user knocks", knock.member(CAROL, CAROL, "knock"), knock);
            rows.allow(rule + " room: a user who left knocks", knock.member(CAROL, CAROL, "knock"), knock.copy().membership(CAROL, "leave"));
            rows.deny(AuthRule.KNOCK, rule + " room: knock for someone else", knock.member(BOB, CAROL, "knock"), knock);
            rows.deny(AuthRule.KNOCK, rule + " room: banned user knocks", knock.member(CAROL, CAROL, "knock"), knock.copy().membership(CAROL, "ban"));
            rows.deny(AuthRule.KNOCK, rule + " room: invited user knocks", knock.member(CAROL, CAROL, "knock"), knock.copy().membership(CAROL, "invite"));
            rows.deny(AuthRule.KNOCK, rule + " room: joined user knocks", knock.member(BOB, BOB, "knock"), knock);
        }
        for (String rule : new String[] {"public", "invite", "restricted"}) {
            RoomFixture noKnock = room.copy().joinRule(rule);
            rows.deny(AuthRule.KNOCK, rule + " room: a new user knocks", noKnock.member(CAROL, CAROL, "knock"), noKnock);
        }
    }
}
