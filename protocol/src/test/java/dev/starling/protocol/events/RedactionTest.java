package dev.starling.protocol.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.protocol.rooms.RoomVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedactionTest {
    private static ObjectNode event(String type, String content) {
        return CanonicalJson.parseObject("""
                {"type":"%s","state_key":"","sender":"@a:x.org","room_id":"!r:x.org","content":%s,"depth":1,
                 "origin_server_ts":2,"prev_events":[],"auth_events":[],"hashes":{"sha256":"h"},"signatures":{},
                 "unsigned":{"age":1},"origin":"x.org","membership":"join","prev_state":[],"event_id":"$e:x.org",
                 "extra":true}
                """.formatted(type, content));
    }

    private static String redactedContent(String type, String content, RoomVersion version) {
        return CanonicalJson.encodeToString(Redaction.redact(event(type, content), version).get("content"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "m.room.member|{\"membership\":\"join\",\"displayname\":\"A\",\"join_authorised_via_users_server\":\"@b:x.org\",\"third_party_invite\":{\"signed\":{\"k\":1},\"display_name\":\"d\"}}|V10|{\"join_authorised_via_users_server\":\"@b:x.org\",\"membership\":\"join\"}",
        "m.room.member|{\"membership\":\"join\",\"displayname\":\"A\",\"join_authorised_via_users_server\":\"@b:x.org\",\"third_party_invite\":{\"signed\":{\"k\":1},\"display_name\":\"d\"}}|V11|{\"join_authorised_via_users_server\":\"@b:x.org\",\"membership\":\"join\",\"third_party_invite\":{\"signed\":{\"k\":1}}}",
        // Synapse and ruma keep an emptied third_party_invite object even without "signed"; so must we, or
        // our reference hashes (event IDs) and signature checks differ from theirs.
        "m.room.member|{\"membership\":\"invite\",\"third_party_invite\":{\"display_name\":\"d\"}}|V11|{\"membership\":\"invite\",\"third_party_invite\":{}}",
        "m.room.member|{\"membership\":\"invite\",\"third_party_invite\":{\"display_name\":\"d\"}}|V10|{\"membership\":\"invite\"}",
        "m.room.member|{\"membership\":\"invite\",\"third_party_invite\":\"x\"}|V12|{\"membership\":\"invite\"}",
        "m.room.create|{\"creator\":\"@a:x.org\",\"room_version\":\"10\",\"m.federate\":false}|V10|{\"creator\":\"@a:x.org\"}",
        "m.room.create|{\"room_version\":\"11\",\"m.federate\":false,\"predecessor\":{}}|V11|{\"m.federate\":false,\"predecessor\":{},\"room_version\":\"11\"}",
        "m.room.create|{\"room_version\":\"12\",\"additional_creators\":[\"@b:x.org\"]}|V12|{\"additional_creators\":[\"@b:x.org\"],\"room_version\":\"12\"}",
        "m.room.join_rules|{\"join_rule\":\"restricted\",\"allow\":[{\"type\":\"m.room_membership\"}],\"other\":1}|V10|{\"allow\":[{\"type\":\"m.room_membership\"}],\"join_rule\":\"restricted\"}",
        "m.room.power_levels|{\"ban\":50,\"events\":{},\"events_default\":0,\"invite\":0,\"kick\":50,\"redact\":50,\"state_default\":50,\"users\":{},\"users_default\":0,\"notifications\":{\"room\":50}}|V10|{\"ban\":50,\"events\":{},\"events_default\":0,\"kick\":50,\"redact\":50,\"state_default\":50,\"users\":{},\"users_default\":0}",
        "m.room.power_levels|{\"ban\":50,\"events\":{},\"events_default\":0,\"invite\":0,\"kick\":50,\"redact\":50,\"state_default\":50,\"users\":{},\"users_default\":0,\"notifications\":{\"room\":50}}|V11|{\"ban\":50,\"events\":{},\"events_default\":0,\"invite\":0,\"kick\":50,\"redact\":50,\"state_default\":50,\"users\":{},\"users_default\":0}",
        "m.room.history_visibility|{\"history_visibility\":\"shared\",\"x\":1}|V10|{\"history_visibility\":\"shared\"}",
        "m.room.redaction|{\"redacts\":\"$x\",\"reason\":\"r\"}|V10|{}",
        "m.room.redaction|{\"redacts\":\"$x\",\"reason\":\"r\"}|V11|{\"redacts\":\"$x\"}",
        "m.room.aliases|{\"aliases\":[\"#a:x.org\"]}|V10|{}",
        "m.room.message|{\"body\":\"hi\"}|V12|{}",
        "m.room.name|{\"name\":\"n\"}|V11|{}",
    })
    void keepsOnlyTheContentKeysOfTheVersion(String type, String content, RoomVersion version, String expected) {
        assertThat(redactedContent(type, content, version)).isEqualTo(expected);
    }

    @Test
    void version10KeepsOriginMembershipAndPrevStateAtTopLevel() {
        ObjectNode redacted = Redaction.redact(event("m.room.message", "{}"), RoomVersion.V10);
        assertThat(redacted.properties()).extracting(java.util.Map.Entry::getKey).containsExactlyInAnyOrder(
                "event_id", "type", "room_id", "sender", "state_key", "content", "hashes", "signatures", "depth",
                "prev_events", "auth_events", "origin_server_ts", "origin", "membership", "prev_state");
    }

    @Test
    void version11DropsOriginMembershipPrevStateUnsignedAndUnknownKeys() {
        for (RoomVersion version : new RoomVersion[] {RoomVersion.V11, RoomVersion.V12}) {
            ObjectNode redacted = Redaction.redact(event("m.room.message", "{}"), version);
            assertThat(redacted.properties()).extracting(java.util.Map.Entry::getKey).containsExactlyInAnyOrder(
                    "event_id", "type", "room_id", "sender", "state_key", "content", "hashes", "signatures", "depth",
                    "prev_events", "auth_events", "origin_server_ts");
        }
    }

    @Test
    void givesEmptyContentWhenContentOrTypeIsMalformed() {
        ObjectNode noContent = event("m.room.member", "{\"membership\":\"join\"}");
        noContent.put("content", "x");
        assertThat(Redaction.redact(noContent, RoomVersion.V11).get("content")).isEqualTo(CanonicalJson.parse("{}"));
        ObjectNode badType = event("m.room.member", "{\"membership\":\"join\"}");
        badType.put("type", 1);
        assertThat(Redaction.redact(badType, RoomVersion.V11).get("content")).isEqualTo(CanonicalJson.parse("{}"));
        ObjectNode missingContent = event("m.room.member", "{}");
        missingContent.remove("content");
        assertThat(Redaction.redact(missingContent, RoomVersion.V11).get("content")).isEqualTo(CanonicalJson.parse("{}"));
    }

    @Test
    void neverModifiesTheInputOrSharesNodesWithIt() {
        ObjectNode event = event("m.room.create", "{\"room_version\":\"11\",\"nested\":{\"a\":1}}");
        ObjectNode before = event.deepCopy();
        ObjectNode redacted = Redaction.redact(event, RoomVersion.V11);
        ((ObjectNode) redacted.get("content").get("nested")).put("a", 2);
        ((ObjectNode) redacted.get("hashes")).put("sha256", "changed");
        assertThat(event).isEqualTo(before);
    }
}
