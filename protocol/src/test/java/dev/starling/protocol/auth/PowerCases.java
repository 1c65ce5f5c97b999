package dev.starling.protocol.auth;

import static dev.starling.protocol.auth.RoomFixture.ALICE;
import static dev.starling.protocol.auth.RoomFixture.BOB;
import static dev.starling.protocol.auth.RoomFixture.CAROL;
import static dev.starling.protocol.auth.RoomFixture.MAX;
import static dev.starling.protocol.auth.RoomFixture.MOD;
import static dev.starling.protocol.auth.RoomFixture.json;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.id.UserId;

/** Rules 5 (sender joined), 7 (required power level), 8 (state keys naming users) and redaction events. */
final class PowerCases {
    private PowerCases() {}

    static Pdu topic(RoomFixture room, UserId sender) {
        return room.event(EventTypes.TOPIC, sender, "", json("{'topic':'t'}"));
    }

    static void add(AuthCase.Rows rows) {
        RoomFixture room = rows.standard();

        // 5
        rows.allow("message by a joined member", room.message(BOB), room);
        rows.deny(AuthRule.SENDER_NOT_JOINED, "message by a non-member", room.message(CAROL), room);
        for (String membership : new String[] {"invite", "leave", "ban", "knock"}) {
            rows.deny(AuthRule.SENDER_NOT_JOINED, "message by a user with membership " + membership, room.message(CAROL),
                    room.copy().membership(CAROL, membership));
        }

        // 7: defaults and overrides
        rows.deny(AuthRule.INSUFFICIENT_POWER, "state event below state_default 50 (missing key)", topic(room, BOB), room);
        rows.allow("state event at state_default 50", topic(room, MOD), room);
        RoomFixture usersDefault = room.copy().levels(pl -> pl.put("users_default", 50));
        rows.allow("state event by a user at users_default 50", topic(usersDefault, BOB), usersDefault);
        RoomFixture eventsDefault = room.copy().levels(pl -> pl.put("events_default", 10));
        rows.deny(AuthRule.INSUFFICIENT_POWER, "message below events_default 10", eventsDefault.message(BOB), eventsDefault);
        rows.allow("message at events_default 10 by a moderator", eventsDefault.message(MOD), eventsDefault);
        RoomFixture typo = room.copy().levels(pl -> pl.put("event_default", 100));
        rows.allow("typo event_default 100 has no effect on messages", typo.message(BOB), typo);
        RoomFixture typeLevel = room.copy().levels(pl -> pl.set("events", json("{'m.room.power_levels':50,'m.room.message':50}")));
        rows.deny(AuthRule.INSUFFICIENT_POWER, "events[m.room.message] 50 overrides events_default", typeLevel.message(BOB), typeLevel);
        rows.allow("events[m.room.message] 50 met by a moderator", typeLevel.message(MOD), typeLevel);
        RoomFixture lowTopic = room.copy().levels(pl -> pl.set("events", json("{'m.room.power_levels':50,'m.room.topic':0}")));
        rows.allow("events[m.room.topic] 0 overrides state_default", topic(lowTopic, BOB), lowTopic);
        RoomFixture empty = room.copy().put(room.powerLevels(ALICE, json("{}")));
        rows.allow("empty power levels: message at events_default 0", empty.message(BOB), empty);
        rows.deny(AuthRule.INSUFFICIENT_POWER, "empty power levels: state event below state_default 50", topic(empty, BOB), empty);
        RoomFixture negative = room.copy().levels(pl -> pl.put("users_default", -10));
        rows.deny(AuthRule.INSUFFICIENT_POWER, "users_default −10 below events_default 0", negative.message(BOB), negative);
        RoomFixture negativeBoth = room.copy().levels(pl -> pl.put("users_default", -10).put("events_default", -20));
        rows.allow("users_default −10 above events_default −20", negativeBoth.message(BOB), negativeBoth);
        RoomFixture hugeEvent = room.copy().levels(pl -> pl.set("events", json("{'m.room.power_levels':50,'m.room.message':" + MAX + "}")));
        rows.expect(rows.v12(), AuthRule.INSUFFICIENT_POWER, "message needing 2^53−1 sent by the creator (creators beat any level in v12)",
                hugeEvent.message(ALICE), hugeEvent);
        RoomFixture hugeUser = hugeEvent.copy().levels(pl -> {
            pl.set("events", json("{'m.room.power_levels':50,'m.room.message':" + MAX + "}"));
            RoomFixture.users(pl).put(BOB.value(), MAX);
        });
        rows.allow("message needing 2^53−1 sent by a user with 2^53−1", hugeUser.message(BOB), hugeUser);
        RoomFixture noLevels = RoomFixture.bare(rows.version);
        noLevels.apply(noLevels.member(ALICE, ALICE, "join")).membership(BOB, "join");
        rows.allow("no power levels: the creator sends state (100 before v12, infinite in v12)", topic(noLevels, ALICE), noLevels);
        rows.deny(AuthRule.INSUFFICIENT_POWER, "no power levels: a user sends state (0 below 50)", topic(noLevels, BOB), noLevels);
        rows.allow("no power levels: a user sends a message", noLevels.message(BOB), noLevels);

        // Redaction events: only events/events_default apply, never the redact level.
        RoomFixture redactTop = room.copy().levels(pl -> pl.put("redact", 100));
        rows.allow("redaction by a user below the redact level (not an auth rule)", redaction(redactTop, BOB), redactTop);
        RoomFixture redactionType = room.copy().levels(pl -> pl.set("events", json("{'m.room.power_levels':50,'m.room.redaction':50}")));
        rows.deny(AuthRule.INSUFFICIENT_POWER, "redaction below events[m.room.redaction] 50", redaction(redactionType, BOB), redactionType);

        // 8
        RoomFixture custom = room.copy().levels(pl -> pl.set("events", json("{'m.room.power_levels':50,'org.example.profile':0}")));
        rows.allow("state_key '@bob…' sent by bob", custom.event("org.example.profile", BOB, BOB.value(), json("{}")), custom);
        rows.allow("state_key 'bob' (no @) sent by bob", custom.event("org.example.profile", BOB, "bob", json("{}")), custom);
        rows.deny(AuthRule.STATE_KEY_NOT_SENDER, "state_key '@mod…' sent by bob",
                custom.event("org.example.profile", BOB, MOD.value(), json("{}")), custom);
        rows.deny(AuthRule.STATE_KEY_NOT_SENDER, "state_key '@bob…' sent by the moderator",
                custom.event("org.example.profile", MOD, BOB.value(), json("{}")), custom);
    }

    static Pdu redaction(RoomFixture room, UserId sender) {
        String target = "$e1:example.org";
        // v11+: redacts lives in content; v10: at the top level.
        ObjectNode content = room.version.redactsInContent() ? json("{'redacts':'" + target + "'}") : json("{}");
        return room.event(EventTypes.REDACTION, sender, null, content, json -> {
            if (!room.version.redactsInContent()) {
                json.put("redacts", target);
            }
        });
    }
}
