package dev.starling.protocol.auth;

import static dev.starling.protocol.auth.RoomFixture.ALICE;
import static dev.starling.protocol.auth.RoomFixture.BOB;
import static dev.starling.protocol.auth.RoomFixture.MAX;
import static dev.starling.protocol.auth.RoomFixture.MOD;
import static dev.starling.protocol.auth.RoomFixture.MOD2;
import static dev.starling.protocol.auth.RoomFixture.ZARA;
import static dev.starling.protocol.auth.RoomFixture.createContent;
import static dev.starling.protocol.auth.RoomFixture.json;
import static dev.starling.protocol.auth.RoomFixture.users;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.rooms.RoomVersion;
import java.util.function.Consumer;

/** Rule 9 (v12: 10): m.room.power_levels shapes, creators, and changes against the sender's level. */
final class PowerLevelCases {
    private PowerLevelCases() {}

    /** A power-levels event: the room's default levels edited, sent by {@code sender}. */
    static Pdu change(RoomFixture room, UserId sender, Consumer<ObjectNode> edit) {
        ObjectNode levels = room.defaultLevels();
        edit.accept(levels);
        return room.powerLevels(sender, levels);
    }

    static void add(AuthCase.Rows rows) {
        RoomVersion v = rows.version;
        RoomFixture room = rows.standard();
        UserId top = ALICE; // the creator: 100 before v12, infinite in v12

        // 9.1 to 9.3: integer-only shapes
        rows.allow("unchanged power levels re-sent by a moderator", change(room, MOD, pl -> { }), room);
        rows.allow("negative levels are integers too", change(room, top, pl -> pl.put("users_default", -1).put("kick", -5)), room);
        rows.deny(AuthRule.POWER_LEVELS, "ban as a string \"50\"", change(room, top, pl -> pl.put("ban", "50")), room);
        rows.deny(AuthRule.POWER_LEVELS, "users_default as a string", change(room, top, pl -> pl.put("users_default", "0")), room);
        rows.deny(AuthRule.POWER_LEVELS, "events value as a string",
                change(room, top, pl -> pl.set("events", json("{'m.room.power_levels':'50'}"))), room);
        rows.deny(AuthRule.POWER_LEVELS, "events not an object", change(room, top, pl -> pl.put("events", "x")), room);
        rows.deny(AuthRule.POWER_LEVELS, "notifications.room as a string",
                change(room, top, pl -> pl.set("notifications", json("{'room':'50'}"))), room);
        rows.deny(AuthRule.POWER_LEVELS, "users value as a string", change(room, top, pl -> users(pl).put(BOB.value(), "10")), room);
        rows.deny(AuthRule.POWER_LEVELS, "users key that is not a user ID", change(room, top, pl -> users(pl).put("bob", 10)), room);
        rows.deny(AuthRule.POWER_LEVELS, "users not an object", change(room, top, pl -> pl.put("users", "none")), room);
        rows.deny(AuthRule.POWER_LEVELS, "users value as a boolean", change(room, top, pl -> users(pl).put(BOB.value(), true)), room);

        // v12 10.4: creators may not be listed.
        rows.expect(!rows.v12(), AuthRule.POWER_LEVELS, "users lists the create event's sender (refused in v12)",
                change(room, top, pl -> users(pl).put(ALICE.value(), 100)), room);
        RoomFixture two = RoomFixture.standard(v, createContent(v).set("additional_creators", RoomFixture.value("['@zara:example.org']")), pl -> { });
        rows.expect(!rows.v12(), AuthRule.POWER_LEVELS, "users lists an additional creator (refused in v12)",
                change(two, top, pl -> users(pl).put(ZARA.value(), 50)), two);

        // 9.4: the first power-levels event
        RoomFixture fresh = RoomFixture.bare(v);
        fresh.apply(fresh.member(ALICE, ALICE, "join")).membership(BOB, "join");
        rows.allow("first power levels may give any level", fresh.powerLevels(ALICE, json("{'users':{'@bob:example.org':1000},'ban':1000}")), fresh);
        rows.deny(AuthRule.INSUFFICIENT_POWER, "first power levels from a user below state_default 50",
                fresh.powerLevels(BOB, json("{}")), fresh);
        rows.deny(AuthRule.INSUFFICIENT_POWER, "power levels from a user below events[m.room.power_levels]",
                change(room, BOB, pl -> users(pl).put(BOB.value(), 0)), room);

        // 9.5: top-level keys
        rows.allow("moderator lowers ban 50 → 40", change(room, MOD, pl -> pl.put("ban", 40)), room);
        rows.allow("moderator adds kick 50 explicitly (new value at own level)", change(room, MOD, pl -> pl.put("kick", 50)), room);
        rows.deny(AuthRule.POWER_LEVELS, "moderator raises kick to 60", change(room, MOD, pl -> pl.put("kick", 60)), room);
        rows.allow("moderator raises users_default to 50", change(room, MOD, pl -> pl.put("users_default", 50)), room);
        rows.deny(AuthRule.POWER_LEVELS, "moderator raises users_default to 60", change(room, MOD, pl -> pl.put("users_default", 60)), room);
        RoomFixture banTop = room.copy().levels(pl -> pl.put("ban", 100).put("state_default", 100).put("invite", 40));
        rows.deny(AuthRule.POWER_LEVELS, "moderator lowers ban from 100 (above own level)",
                change(banTop, MOD, pl -> pl.put("ban", 50).put("state_default", 100).put("invite", 40)), banTop);
        rows.deny(AuthRule.POWER_LEVELS, "moderator removes state_default 100 (above own level)",
                change(banTop, MOD, pl -> pl.put("ban", 100).put("invite", 40)), banTop);
        rows.allow("moderator removes invite 40 (below own level)",
                change(banTop, MOD, pl -> pl.put("ban", 100).put("state_default", 100)), banTop);
        rows.allow("moderator adds the typo key event_default 100 (no effect, not checked)",
                change(room, MOD, pl -> pl.put("event_default", 100)), room);
        rows.expect(rows.v12(), AuthRule.POWER_LEVELS, "creator sets ban to 2^53−1 (above 100 before v12)",
                change(room, top, pl -> pl.put("ban", MAX)), room);

        // 9.6, 9.7: events and notifications
        rows.allow("moderator adds events[m.room.topic] 50", change(room, MOD, pl -> events(pl).put("m.room.topic", 50)), room);
        rows.deny(AuthRule.POWER_LEVELS, "moderator adds events[m.room.topic] 60", change(room, MOD, pl -> events(pl).put("m.room.topic", 60)), room);
        RoomFixture nameTop = room.copy().levels(pl -> events(pl).put("m.room.name", 100).put("m.room.avatar", 40));
        rows.deny(AuthRule.POWER_LEVELS, "moderator lowers events[m.room.name] from 100",
                change(nameTop, MOD, pl -> events(pl).put("m.room.name", 0).put("m.room.avatar", 40)), nameTop);
        rows.deny(AuthRule.POWER_LEVELS, "moderator removes events[m.room.name] 100",
                change(nameTop, MOD, pl -> events(pl).put("m.room.avatar", 40)), nameTop);
        rows.allow("moderator removes events[m.room.avatar] 40",
                change(nameTop, MOD, pl -> events(pl).put("m.room.name", 100)), nameTop);
        rows.allow("moderator lowers notifications.room 50 → 40", change(room, MOD, pl -> pl.set("notifications", json("{'room':40}"))), room);
        rows.deny(AuthRule.POWER_LEVELS, "moderator raises notifications.room to 60",
                change(room, MOD, pl -> pl.set("notifications", json("{'room':60}"))), room);
        RoomFixture notifyTop = room.copy().levels(pl -> pl.set("notifications", json("{'room':100}")));
        rows.deny(AuthRule.POWER_LEVELS, "moderator lowers notifications.room from 100",
                change(notifyTop, MOD, pl -> pl.set("notifications", json("{'room':50}"))), notifyTop);

        // 9.8, 9.9: users
        rows.allow("creator promotes a user to 50", change(room, top, pl -> users(pl).put(BOB.value(), 50)), room);
        rows.allow("moderator promotes a user to own level 50", change(room, MOD, pl -> users(pl).put(BOB.value(), 50)), room);
        rows.deny(AuthRule.POWER_LEVELS, "moderator promotes a user to 51", change(room, MOD, pl -> users(pl).put(BOB.value(), 51)), room);
        rows.deny(AuthRule.POWER_LEVELS, "moderator demotes a moderator of equal level",
                change(room, MOD, pl -> users(pl).put(MOD2.value(), 0)), room);
        rows.deny(AuthRule.POWER_LEVELS, "moderator removes a moderator of equal level",
                change(room, MOD, pl -> users(pl).remove(MOD2.value())), room);
        rows.allow("moderator demotes themself", change(room, MOD, pl -> users(pl).put(MOD.value(), 0)), room);
        rows.deny(AuthRule.POWER_LEVELS, "moderator promotes themself to 60", change(room, MOD, pl -> users(pl).put(MOD.value(), 60)), room);
        RoomFixture bobTen = room.copy().levels(pl -> users(pl).put(BOB.value(), 10));
        rows.allow("moderator demotes a user at 10 to −1", change(bobTen, MOD, pl -> users(pl).put(BOB.value(), -1)), bobTen);
        rows.allow("moderator removes a user at 10", change(bobTen, MOD, pl -> { }), bobTen);
        if (!v.privilegedCreators()) {
            rows.deny(AuthRule.POWER_LEVELS, "(v10, v11) moderator removes the creator's 100",
                    change(room, MOD, pl -> users(pl).remove(ALICE.value())), room);
            rows.allow("(v10, v11) creator (100) promotes a moderator to 100", change(room, ALICE, pl -> users(pl).put(MOD.value(), 100)), room);
            rows.deny(AuthRule.POWER_LEVELS, "(v10, v11) creator (100) promotes a moderator to 101",
                    change(room, ALICE, pl -> users(pl).put(MOD.value(), 101)), room);
        } else {
            rows.allow("(v12) creator promotes a moderator to 2^53−1", change(room, ALICE, pl -> users(pl).put(MOD.value(), MAX)), room);
            RoomFixture hugeMod = room.copy().levels(pl -> users(pl).put(MOD2.value(), MAX));
            rows.allow("(v12) creator demotes a user with 2^53−1", change(hugeMod, ALICE, pl -> users(pl).put(MOD2.value(), 0)), hugeMod);
            rows.deny(AuthRule.POWER_LEVELS, "(v12) user with 2^53−1 cannot list the creator",
                    change(hugeMod, MOD2, pl -> users(pl).put(MOD2.value(), MAX).put(ALICE.value(), 0)), hugeMod);
        }
    }

    static ObjectNode events(ObjectNode levels) {
        return (ObjectNode) levels.get("events");
    }
}
