package dev.starling.protocol.auth;

import static dev.starling.protocol.auth.RoomFixture.ALICE;
import static dev.starling.protocol.auth.RoomFixture.BOB;
import static dev.starling.protocol.auth.RoomFixture.CAROL;
import static dev.starling.protocol.auth.RoomFixture.REMOTE;
import static dev.starling.protocol.auth.RoomFixture.createContent;
import static dev.starling.protocol.auth.RoomFixture.createEvent;
import static dev.starling.protocol.auth.RoomFixture.json;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.rooms.RoomVersion;
import java.util.List;

/** Rule 1 (create), v12 rule 2 (room ID), the missing create event, and rule 3 (m.federate). */
final class CreateCases {
    private CreateCases() {}

    static void add(AuthCase.Rows rows) {
        RoomVersion v = rows.version;
        RoomFixture empty = RoomFixture.bare(v);
        rows.allow("create with the usual content", createEvent(v, createContent(v)), empty);
        rows.deny(AuthRule.CREATE, "create with prev_events",
                createEvent(v, ALICE, createContent(v), List.of("$earlier:example.org"), "!room:example.org"), empty);
        rows.deny(AuthRule.CREATE, "create with unknown room_version 99",
                createEvent(v, createContent(v).put("room_version", "99")), empty);
        rows.deny(AuthRule.CREATE, "create with unsupported room_version 9",
                createEvent(v, createContent(v).put("room_version", "9")), empty);
        ObjectNode noVersion = createContent(v);
        noVersion.remove("room_version");
        rows.deny(AuthRule.CREATE, "create without room_version (means version 1)", createEvent(v, noVersion), empty);
        rows.deny(AuthRule.CREATE, "create naming another supported version",
                createEvent(v, createContent(v).put("room_version", v == RoomVersion.V11 ? "12" : "11")), empty);
        rows.deny(AuthRule.CREATE, "create with a non-string room_version",
                createEvent(v, createContent(v).put("room_version", Integer.parseInt(v.id()))), empty);
        rows.deny(AuthRule.CREATE, "m.room.create with a non-empty state_key",
                empty.event(EventTypes.CREATE, ALICE, "x", createContent(v)), empty);
        if (!v.roomIdIsCreateEventHash()) {
            rows.deny(AuthRule.CREATE, "(v10, v11) create whose room ID is on another server than the sender",
                    createEvent(v, ALICE, createContent(v), List.of(), "!room:other.org"), empty);
            rows.allow("(v10, v11) create whose room ID is on the sender's server",
                    createEvent(v, ALICE, createContent(v), List.of(), "!abc:example.org"), empty);
        }
        ObjectNode noCreator = createContent(v);
        noCreator.remove("creator");
        rows.expect(!rows.v10(), AuthRule.CREATE, "create without content.creator (required in v10 only)",
                createEvent(v, noCreator), empty);
        rows.allow("create naming another user as creator", createEvent(v, createContent(v).put("creator", BOB.value())), empty);

        rows.allow("create with additional_creators of valid user IDs",
                createEvent(v, createContent(v).set("additional_creators", RoomFixture.value("['@zara:example.org','@x:other.org']"))), empty);
        rows.allow("create with empty additional_creators", createEvent(v, createContent(v).set("additional_creators", RoomFixture.value("[]"))), empty);
        rows.expect(!rows.v12(), AuthRule.CREATE, "additional_creators not an array (checked in v12 only)",
                createEvent(v, createContent(v).put("additional_creators", "@zara:example.org")), empty);
        rows.expect(!rows.v12(), AuthRule.CREATE, "additional_creators with an invalid user ID (checked in v12 only)",
                createEvent(v, createContent(v).set("additional_creators", RoomFixture.value("['@zara:example.org','zara']"))), empty);
        rows.expect(!rows.v12(), AuthRule.CREATE, "additional_creators with a non-string (checked in v12 only)",
                createEvent(v, createContent(v).set("additional_creators", RoomFixture.value("[5]"))), empty);

        RoomFixture room = rows.standard();
        rows.allow("message in a state with the create event", room.message(BOB), room);
        rows.deny(AuthRule.MISSING_CREATE, "message in a state without the create event", room.message(BOB),
                room.copy().remove(AuthEventSelection.CREATE));
        String otherRoom = v.roomIdIsCreateEventHash()
                ? createEvent(v, BOB, createContent(v), List.of(), "").roomId().value() : "!other:example.org";
        rows.deny(AuthRule.ROOM_ID, "message for another room than the create event's",
                room.event(EventTypes.MESSAGE, BOB, null, json("{}"), e -> e.put("room_id", otherRoom)), room);

        RoomFixture closed = RoomFixture.standard(v, createContent(v).put("m.federate", false), pl -> { });
        rows.allow("m.federate false: local user joins", closed.member(CAROL, CAROL, "join"), closed);
        rows.deny(AuthRule.FEDERATION, "m.federate false: remote user joins", closed.member(REMOTE, REMOTE, "join"), closed);
        rows.deny(AuthRule.FEDERATION, "m.federate false: remote user messages even if joined",
                closed.message(REMOTE), closed.copy().membership(REMOTE, "join"));
        RoomFixture open = RoomFixture.standard(v, createContent(v).put("m.federate", true), pl -> { });
        rows.allow("m.federate true: remote user joins", open.member(REMOTE, REMOTE, "join"), open);
        rows.allow("m.federate absent: remote user joins", room.member(REMOTE, REMOTE, "join"), room);
    }
}
