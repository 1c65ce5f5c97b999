package dev.starling.protocol.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.protocol.json.InvalidJsonException;
import dev.starling.protocol.rooms.RoomVersion;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Spec examples for canonical JSON, content and reference hashes and redaction, reproduced byte for byte.
 * The signing vectors live in {@code crypto.SpecSigningVectorsTest}.
 */
class SpecVectorsTest {

    private static String canonical(String json) {
        return new String(CanonicalJson.canonicalize(json), StandardCharsets.UTF_8);
    }

    private static ObjectNode json(String text) {
        return CanonicalJson.parseObject(text);
    }

    private static String encode(ObjectNode node) {
        return CanonicalJson.encodeToString(node);
    }

    /** Appendices, "Canonical JSON", "Examples": every example in order. */
    @Nested
    class CanonicalJsonExamples {
        @Test
        void emptyObject() {
            assertThat(canonical("{}")).isEqualTo("{}");
        }

        @Test
        void twoKeysWithWhitespace() {
            assertThat(canonical("{\n    \"one\": 1,\n    \"two\": \"Two\"\n}")).isEqualTo("{\"one\":1,\"two\":\"Two\"}");
        }

        @Test
        void keysSortedWithWhitespace() {
            assertThat(canonical("{\n    \"b\": \"2\",\n    \"a\": \"1\"\n}")).isEqualTo("{\"a\":\"1\",\"b\":\"2\"}");
        }

        @Test
        void keysSortedCompact() {
            assertThat(canonical("{\"b\":\"2\",\"a\":\"1\"}")).isEqualTo("{\"a\":\"1\",\"b\":\"2\"}");
        }

        @Test
        void nestedObjectsAndArrays() {
            String input = """
                    {
                        "auth": {
                            "success": true,
                            "mxid": "@john.doe:example.com",
                            "profile": {
                                "display_name": "John Doe",
                                "three_pids": [
                                    {
                                        "medium": "email",
                                        "address": "john.doe@example.org"
                                    },
                                    {
                                        "medium": "msisdn",
                                        "address": "123456789"
                                    }
                                ]
                            }
                        }
                    }""";
            assertThat(canonical(input)).isEqualTo("{\"auth\":{\"mxid\":\"@john.doe:example.com\",\"profile\":"
                    + "{\"display_name\":\"John Doe\",\"three_pids\":[{\"address\":\"john.doe@example.org\","
                    + "\"medium\":\"email\"},{\"address\":\"123456789\",\"medium\":\"msisdn\"}]},\"success\":true}}");
        }

        @Test
        void nonAsciiValueIsRawUtf8() {
            byte[] out = CanonicalJson.canonicalize("{\n    \"a\": \"日本語\"\n}");
            assertThat(out).isEqualTo("{\"a\":\"日本語\"}".getBytes(StandardCharsets.UTF_8));
        }

        @Test
        void nonAsciiKeysSortByCodePoint() {
            // 日 is U+65E5, 本 is U+672C.
            assertThat(canonical("{\n    \"本\": 2,\n    \"日\": 1\n}")).isEqualTo("{\"日\":1,\"本\":2}");
        }

        @Test
        void unicodeEscapeIsDecoded() {
            assertThat(canonical("{\n    \"a\": \"\\u65E5\"\n}")).isEqualTo("{\"a\":\"日\"}");
        }

        @Test
        void nullValue() {
            assertThat(canonical("{\n    \"a\": null\n}")).isEqualTo("{\"a\":null}");
        }

        /**
         * The spec's last example maps {@code {"a": -0, "b": 1e10}} to {@code {"a":0,"b":10000000000}}. The
         * same section says {@code -0} MUST NOT appear, and SECURITY item 3 makes our parser refuse {@code -0},
         * floats and exponents outright, so this input is rejected by design. The output half of the vector is
         * still checked: the equivalent integer values encode to exactly the expected text.
         */
        @Test
        void negativeZeroAndExponentAreRefusedButTheirValuesEncodeAsSpecified() {
            assertThatThrownBy(() -> CanonicalJson.parse("{\n    \"a\": -0,\n    \"b\": 1e10\n}"))
                    .isInstanceOf(InvalidJsonException.class)
                    .extracting(e -> ((InvalidJsonException) e).problem())
                    .isEqualTo(InvalidJsonException.Problem.NEGATIVE_ZERO);
            assertThatThrownBy(() -> CanonicalJson.parse("{\"b\": 1e10}"))
                    .isInstanceOf(InvalidJsonException.class)
                    .extracting(e -> ((InvalidJsonException) e).problem())
                    .isEqualTo(InvalidJsonException.Problem.FLOAT);
            ObjectNode values = JsonNodeFactory.instance.objectNode().put("b", 10_000_000_000L).put("a", 0);
            assertThat(encode(values)).isEqualTo("{\"a\":0,\"b\":10000000000}");
        }
    }

    /** Server-Server API, "Calculating the content hash for an event". */
    @Nested
    class ContentHash {
        static final String MINIMAL = """
                {"room_id":"!x:domain","sender":"@a:domain","origin":"domain","origin_server_ts":1000000,
                 "signatures":{},"hashes":{},"type":"X","content":{},"prev_events":[],"auth_events":[],"depth":3,
                 "unsigned":{"age_ts":1000000}}""";
        static final String REDACTABLE = """
                {"content":{"body":"Here is the message content"},"event_id":"$0:domain","origin":"domain",
                 "origin_server_ts":1000000,"type":"m.room.message","room_id":"!r:domain","sender":"@u:domain",
                 "signatures":{},"unsigned":{"age_ts":1000000}}""";

        @Test
        void minimalEventVector() {
            assertThat(EventHashes.contentHashBase64(json(MINIMAL))).isEqualTo("5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos");
        }

        @Test
        void redactableEventVector() {
            assertThat(EventHashes.contentHashBase64(json(REDACTABLE))).isEqualTo("onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g");
        }

        @Test
        void coversEverythingButUnsignedSignaturesAndHashes() throws Exception {
            ObjectNode event = json(MINIMAL);
            String expected = Base64.getEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(("{\"auth_events\":[],\"content\":{},\"depth\":3,\"origin\":\"domain\",\"origin_server_ts\":1000000,"
                            + "\"prev_events\":[],\"room_id\":\"!x:domain\",\"sender\":\"@a:domain\",\"type\":\"X\"}")
                            .getBytes(StandardCharsets.UTF_8)));
            assertThat(EventHashes.contentHashBase64(event)).isEqualTo(expected);

            ObjectNode changedUnsigned = event.deepCopy();
            changedUnsigned.putObject("unsigned").put("age", 5);
            changedUnsigned.putObject("signatures").putObject("x").put("ed25519:1", "abc");
            changedUnsigned.putObject("hashes").put("sha256", "other");
            assertThat(EventHashes.contentHashBase64(changedUnsigned)).isEqualTo(expected);

            ObjectNode changedContent = event.deepCopy();
            changedContent.putObject("content").put("body", "x");
            assertThat(EventHashes.contentHashBase64(changedContent)).isNotEqualTo(expected);
        }

        @Test
        void withContentHashRoundTrips() {
            ObjectNode hashed = EventHashes.withContentHash(json(REDACTABLE));
            assertThat(hashed.at("/hashes/sha256").textValue()).isEqualTo("onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g");
            assertThat(EventHashes.contentHashMatches(hashed)).isTrue();
            hashed.with("content").put("body", "tampered");
            assertThat(EventHashes.contentHashMatches(hashed)).isFalse();
        }
    }

    /** Server-Server API, "Calculating the reference hash for an event"; rooms v4+ event IDs. */
    @Nested
    class ReferenceHash {
        static final String V11_MESSAGE = """
                {"auth_events":["$create","$power","$member"],"content":{"body":"hello","msgtype":"m.text"},
                 "depth":7,"hashes":{"sha256":"aGFzaA"},"origin_server_ts":1700000000000,"prev_events":["$prev"],
                 "room_id":"!room:example.org","sender":"@alice:example.org","type":"m.room.message",
                 "signatures":{"example.org":{"ed25519:a":"c2ln"}},"unsigned":{"age":12},"origin":"example.org",
                 "extra":"dropped"}""";

        @Test
        void eventIdIsUrlSafeSha256OfRedactedFormWithoutSignaturesAndUnsigned() throws Exception {
            // Written out by hand: the v11 redacted form, signatures and unsigned removed, canonical.
            String redacted = "{\"auth_events\":[\"$create\",\"$power\",\"$member\"],\"content\":{},\"depth\":7,"
                    + "\"hashes\":{\"sha256\":\"aGFzaA\"},\"origin_server_ts\":1700000000000,\"prev_events\":[\"$prev\"],"
                    + "\"room_id\":\"!room:example.org\",\"sender\":\"@alice:example.org\",\"type\":\"m.room.message\"}";
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(redacted.getBytes(StandardCharsets.UTF_8));
            String expected = Base64.getUrlEncoder().withoutPadding().encodeToString(digest);

            ObjectNode event = json(V11_MESSAGE);
            assertThat(EventHashes.referenceHash(event, RoomVersion.V11)).isEqualTo(digest);
            assertThat(EventHashes.referenceHashUrlSafe(event, RoomVersion.V11)).isEqualTo(expected)
                    .doesNotContain("+", "/", "=");
            assertThat(dev.starling.protocol.id.EventId.fromReferenceHash(expected).value()).isEqualTo("$" + expected);
        }

        @Test
        void referenceHashIgnoresRedactableContentSignaturesAndUnsigned() {
            ObjectNode event = json(V11_MESSAGE);
            ObjectNode other = event.deepCopy();
            other.with("content").put("body", "changed");
            other.with("unsigned").put("age", 99);
            other.with("signatures").putObject("other.org").put("ed25519:b", "eA");
            assertThat(EventHashes.referenceHashUrlSafe(other, RoomVersion.V11))
                    .isEqualTo(EventHashes.referenceHashUrlSafe(event, RoomVersion.V11));
            other.put("depth", 8);
            assertThat(EventHashes.referenceHashUrlSafe(other, RoomVersion.V11))
                    .isNotEqualTo(EventHashes.referenceHashUrlSafe(event, RoomVersion.V11));
        }

        @Test
        void originCountsBeforeV11Only() {
            ObjectNode event = json(V11_MESSAGE);
            ObjectNode otherOrigin = event.deepCopy().put("origin", "elsewhere.org");
            assertThat(EventHashes.referenceHashUrlSafe(otherOrigin, RoomVersion.V11))
                    .isEqualTo(EventHashes.referenceHashUrlSafe(event, RoomVersion.V11));
            assertThat(EventHashes.referenceHashUrlSafe(otherOrigin, RoomVersion.V10))
                    .isNotEqualTo(EventHashes.referenceHashUrlSafe(event, RoomVersion.V10));
        }
    }

    /** Redaction per room version (rooms v10 uses the v9 rules, v11/v12 the v11 rules). */
    @Nested
    class Redactions {
        private static ObjectNode event(String type, String content) {
            return json("{\"type\":\"" + type + "\",\"state_key\":\"\",\"sender\":\"@a:x.org\","
                    + "\"room_id\":\"!r:x.org\",\"event_id\":\"$e\",\"depth\":1,\"prev_events\":[],"
                    + "\"auth_events\":[],\"origin_server_ts\":5,\"hashes\":{\"sha256\":\"aA\"},"
                    + "\"signatures\":{\"x.org\":{\"ed25519:1\":\"cw\"}},\"unsigned\":{\"age\":1},"
                    + "\"origin\":\"x.org\",\"membership\":\"join\",\"prev_state\":[],\"unknown\":true,"
                    + "\"content\":" + content + "}");
        }

        private static String content(String type, String content, RoomVersion version) {
            return encode((ObjectNode) Redaction.redact(event(type, content), version).get("content"));
        }

        @Test
        void topLevelKeysV10KeepOriginMembershipPrevState() {
            ObjectNode redacted = Redaction.redact(event("m.room.message", "{\"body\":\"hi\"}"), RoomVersion.V10);
            assertThat(redacted.properties()).extracting(java.util.Map.Entry::getKey).containsExactlyInAnyOrder(
                    "type", "state_key", "sender", "room_id", "event_id", "depth", "prev_events", "auth_events",
                    "origin_server_ts", "hashes", "signatures", "origin", "membership", "prev_state", "content");
        }

        @ParameterizedTest
        @EnumSource(value = RoomVersion.class, names = {"V11", "V12"})
        void topLevelKeysV11DropOriginMembershipPrevState(RoomVersion version) {
            ObjectNode redacted = Redaction.redact(event("m.room.message", "{\"body\":\"hi\"}"), version);
            assertThat(redacted.properties()).extracting(java.util.Map.Entry::getKey).containsExactlyInAnyOrder(
                    "type", "state_key", "sender", "room_id", "event_id", "depth", "prev_events", "auth_events",
                    "origin_server_ts", "hashes", "signatures", "content");
        }

        @ParameterizedTest
        @EnumSource(RoomVersion.class)
        void otherEventTypesLoseAllContent(RoomVersion version) {
            assertThat(content("m.room.message", "{\"body\":\"hi\",\"msgtype\":\"m.text\"}", version)).isEqualTo("{}");
            assertThat(content("m.room.topic", "{\"topic\":\"t\"}", version)).isEqualTo("{}");
            assertThat(content("m.room.aliases", "{\"aliases\":[\"#a:x.org\"]}", version)).isEqualTo("{}");
            assertThat(content("m.room.name", "{\"name\":\"n\"}", version)).isEqualTo("{}");
        }

        @Test
        void createV10KeepsOnlyCreator() {
            assertThat(content("m.room.create", "{\"creator\":\"@a:x.org\",\"room_version\":\"10\",\"m.federate\":false}",
                    RoomVersion.V10)).isEqualTo("{\"creator\":\"@a:x.org\"}");
        }

        @ParameterizedTest
        @EnumSource(value = RoomVersion.class, names = {"V11", "V12"})
        void createV11KeepsAllContent(RoomVersion version) {
            String all = "{\"additional_creators\":[\"@b:x.org\"],\"m.federate\":false,\"predecessor\":{\"room_id\":\"!o:x.org\"},"
                    + "\"room_version\":\"11\",\"type\":\"m.space\"}";
            assertThat(content("m.room.create", all, version)).isEqualTo(all);
        }

        @Test
        void memberV10() {
            assertThat(content("m.room.member", "{\"membership\":\"join\",\"displayname\":\"A\",\"avatar_url\":\"mxc://x/y\","
                    + "\"join_authorised_via_users_server\":\"@b:x.org\",\"third_party_invite\":{\"display_name\":\"d\","
                    + "\"signed\":{\"token\":\"t\"}}}", RoomVersion.V10))
                    .isEqualTo("{\"join_authorised_via_users_server\":\"@b:x.org\",\"membership\":\"join\"}");
        }

        @ParameterizedTest
        @EnumSource(value = RoomVersion.class, names = {"V11", "V12"})
        void memberV11KeepsThirdPartyInviteSignedOnly(RoomVersion version) {
            assertThat(content("m.room.member", "{\"membership\":\"invite\",\"displayname\":\"A\","
                    + "\"join_authorised_via_users_server\":\"@b:x.org\",\"third_party_invite\":{\"display_name\":\"d\","
                    + "\"signed\":{\"mxid\":\"@c:x.org\",\"token\":\"t\"}}}", version))
                    .isEqualTo("{\"join_authorised_via_users_server\":\"@b:x.org\",\"membership\":\"invite\","
                            + "\"third_party_invite\":{\"signed\":{\"mxid\":\"@c:x.org\",\"token\":\"t\"}}}");
        }

        @ParameterizedTest
        @EnumSource(RoomVersion.class)
        void joinRulesKeepJoinRuleAndAllow(RoomVersion version) {
            assertThat(content("m.room.join_rules", "{\"join_rule\":\"restricted\",\"allow\":[{\"type\":\"m.room_membership\","
                    + "\"room_id\":\"!s:x.org\"}],\"other\":1}", version))
                    .isEqualTo("{\"allow\":[{\"room_id\":\"!s:x.org\",\"type\":\"m.room_membership\"}],\"join_rule\":\"restricted\"}");
        }

        private static final String POWER_LEVELS = "{\"ban\":50,\"events\":{\"m.room.name\":50},\"events_default\":0,"
                + "\"invite\":0,\"kick\":50,\"notifications\":{\"room\":50},\"redact\":50,\"state_default\":50,"
                + "\"users\":{\"@a:x.org\":100},\"users_default\":0}";

        @Test
        void powerLevelsV10DropInvite() {
            assertThat(content("m.room.power_levels", POWER_LEVELS, RoomVersion.V10))
                    .isEqualTo("{\"ban\":50,\"events\":{\"m.room.name\":50},\"events_default\":0,\"kick\":50,\"redact\":50,"
                            + "\"state_default\":50,\"users\":{\"@a:x.org\":100},\"users_default\":0}");
        }

        @ParameterizedTest
        @EnumSource(value = RoomVersion.class, names = {"V11", "V12"})
        void powerLevelsV11KeepInvite(RoomVersion version) {
            assertThat(content("m.room.power_levels", POWER_LEVELS, version))
                    .isEqualTo("{\"ban\":50,\"events\":{\"m.room.name\":50},\"events_default\":0,\"invite\":0,\"kick\":50,"
                            + "\"redact\":50,\"state_default\":50,\"users\":{\"@a:x.org\":100},\"users_default\":0}");
        }

        @ParameterizedTest
        @EnumSource(RoomVersion.class)
        void historyVisibilityKeepsHistoryVisibility(RoomVersion version) {
            assertThat(content("m.room.history_visibility", "{\"history_visibility\":\"shared\",\"x\":1}", version))
                    .isEqualTo("{\"history_visibility\":\"shared\"}");
        }

        @Test
        void redactionV10DropsContentRedacts() {
            assertThat(content("m.room.redaction", "{\"redacts\":\"$x\",\"reason\":\"spam\"}", RoomVersion.V10)).isEqualTo("{}");
        }

        @ParameterizedTest
        @EnumSource(value = RoomVersion.class, names = {"V11", "V12"})
        void redactionV11KeepsRedacts(RoomVersion version) {
            assertThat(content("m.room.redaction", "{\"redacts\":\"$x\",\"reason\":\"spam\"}", version))
                    .isEqualTo("{\"redacts\":\"$x\"}");
        }

        @ParameterizedTest
        @EnumSource(RoomVersion.class)
        void redactionDoesNotModifyItsInputAndIsIdempotent(RoomVersion version) {
            ObjectNode original = event("m.room.member", "{\"membership\":\"join\",\"displayname\":\"A\"}");
            String before = encode(original);
            ObjectNode once = Redaction.redact(original, version);
            assertThat(encode(original)).isEqualTo(before);
            assertThat(encode(Redaction.redact(once, version))).isEqualTo(encode(once));
        }
    }
}
