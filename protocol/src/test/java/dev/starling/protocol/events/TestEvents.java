package dev.starling.protocol.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.protocol.rooms.RoomVersion;

/** Well-formed events to start tests from. */
final class TestEvents {
    static final String HASH_A = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    static final String HASH_B = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";
    static final String V12_ROOM = "!" + HASH_A;
    static final String LEGACY_ROOM = "!room:example.com";

    private TestEvents() {}

    static String roomIdFor(RoomVersion version) {
        return version.roomIdIsCreateEventHash() ? V12_ROOM : LEGACY_ROOM;
    }

    /** An m.room.message event for the version, with one prev and one auth event. */
    static ObjectNode message(RoomVersion version) {
        return CanonicalJson.parseObject("""
                {"type":"m.room.message","sender":"@alice:example.com","room_id":"%s",
                 "content":{"msgtype":"m.text","body":"hello"},"depth":5,"origin_server_ts":1700000000000,
                 "prev_events":["$%s"],"auth_events":["$%s"],
                 "hashes":{"sha256":"x"},"signatures":{"example.com":{"ed25519:a":"sig"}},
                 "unsigned":{"age":10}}
                """.formatted(roomIdFor(version), HASH_B, HASH_B));
    }

    /** A v12 create event: no room_id, no prev or auth events. */
    static ObjectNode createV12() {
        return CanonicalJson.parseObject("""
                {"type":"m.room.create","state_key":"","sender":"@alice:example.com",
                 "content":{"room_version":"12"},"depth":1,"origin_server_ts":1700000000000,
                 "prev_events":[],"auth_events":[],"hashes":{"sha256":"x"}}
                """);
    }

    static ObjectNode state(RoomVersion version, String type, String stateKey) {
        ObjectNode event = message(version);
        event.put("type", type);
        event.put("state_key", stateKey);
        return event;
    }
}
