package dev.starling.protocol.events;

import static dev.starling.protocol.events.TestEvents.HASH_A;
import static dev.starling.protocol.events.TestEvents.HASH_B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.InvalidEventException.Problem;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
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
import org.junit.jupiter.params.provider.ValueSource;

class PduTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    static void assertInvalid(ObjectNode event, RoomVersion version, Problem problem) {
        assertThatThrownBy(() -> Pdu.fromJson(event, version))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.problem()).isEqualTo(problem));
        byte[] bytes;
        try {
            bytes = CanonicalJson.encode(event);
        } catch (InvalidJsonException e) {
            return;
        }
        assertThatThrownBy(() -> Pdu.parse(bytes, version))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.problem()).isEqualTo(problem));
    }

    static ObjectNode padToSize(ObjectNode event, int bytes) {
        ObjectNode content = (ObjectNode) event.get("content");
        content.put("pad", "");
        int size = CanonicalJson.encode(event).length;
        content.put("pad", "p".repeat(bytes - size));
        assertThat(CanonicalJson.encode(event)).hasSize(bytes);
        return event;
    }

    static ArrayNode eventIds(int count) {
        ArrayNode ids = NODES.arrayNode();
        for (int i = 0; i < count; i++) {
            ids.add("$" + HASH_B.substring(0, 40) + String.format("%03d", i));
        }
        return ids;
    }

    @Nested
    class Limits {
        @ParameterizedTest
        @EnumSource(RoomVersion.class)
        void acceptsAnEventOfExactly65536Bytes(RoomVersion version) {
            ObjectNode event = padToSize(TestEvents.message(version), PduLimits.MAX_EVENT_BYTES);
            assertThat(Pdu.fromJson(event, version).canonicalBytes()).hasSize(65_536);
            assertThat(Pdu.parse(CanonicalJson.encode(event), version).canonicalBytes()).hasSize(65_536);
        }

        @ParameterizedTest
        @EnumSource(RoomVersion.class)
        void refusesAnEventOf65537Bytes(RoomVersion version) {
            assertInvalid(padToSize(TestEvents.message(version), 65_537), version, Problem.TOO_LARGE);
        }

        @Test
        void countsSignaturesAndUnsignedInTheSize() {
            ObjectNode event = padToSize(TestEvents.message(RoomVersion.V11), 65_536);
            ((ObjectNode) event.get("signatures")).putObject("other.example").put("ed25519:b", "s");
            assertInvalid(event, RoomVersion.V11, Problem.TOO_LARGE);
        }

        @Test
        void countsTheSizeInUtf8BytesOfCanonicalJson() {
            ObjectNode event = TestEvents.message(RoomVersion.V11);
            ((ObjectNode) event.get("content")).put("pad", "");
            int size = CanonicalJson.encode(event).length;
            int room = PduLimits.MAX_EVENT_BYTES - size;
            // each "€" is 3 bytes of UTF-8 but one Java char
            ((ObjectNode) event.get("content")).put("pad", "€".repeat(room / 3 + 1));
            assertInvalid(event, RoomVersion.V11, Problem.TOO_LARGE);
        }

        @Test
        void acceptsA255ByteTypeAndRefuses256CountingMultiByteCharacters() {
            String type255 = "é".repeat(127) + "a";
            String type256 = "é".repeat(128);
            assertThat(type256).hasSize(128);
            ObjectNode ok = TestEvents.message(RoomVersion.V11).put("type", type255);
            assertThat(Pdu.fromJson(ok, RoomVersion.V11).type()).isEqualTo(type255);
            assertInvalid(TestEvents.message(RoomVersion.V11).put("type", type256), RoomVersion.V11, Problem.FIELD_TOO_LONG);
            assertInvalid(TestEvents.message(RoomVersion.V11).put("type", "t".repeat(256)), RoomVersion.V11, Problem.FIELD_TOO_LONG);
        }

        @Test
        void acceptsA255ByteStateKeyAndRefuses256CountingMultiByteCharacters() {
            String key255 = "😀".repeat(63) + "abc";
            String key256 = "😀".repeat(64);
            ObjectNode ok = TestEvents.state(RoomVersion.V11, "m.room.topic", key255);
            assertThat(Pdu.fromJson(ok, RoomVersion.V11).stateKey()).contains(key255);
            assertInvalid(TestEvents.state(RoomVersion.V11, "m.room.topic", key256), RoomVersion.V11, Problem.FIELD_TOO_LONG);
        }

        @Test
        void acceptsTwentyPrevEventsAndRefusesTwentyOne() {
            ObjectNode ok = TestEvents.message(RoomVersion.V11);
            ok.set("prev_events", eventIds(20));
            assertThat(Pdu.fromJson(ok, RoomVersion.V11).prevEvents()).hasSize(20);
            ObjectNode tooMany = TestEvents.message(RoomVersion.V11);
            tooMany.set("prev_events", eventIds(21));
            assertInvalid(tooMany, RoomVersion.V11, Problem.TOO_MANY_PREV_EVENTS);
        }

        @Test
        void acceptsTenAuthEventsAndRefusesEleven() {
            ObjectNode ok = TestEvents.message(RoomVersion.V12);
            ok.set("auth_events", eventIds(10));
            assertThat(Pdu.fromJson(ok, RoomVersion.V12).authEvents()).hasSize(10);
            ObjectNode tooMany = TestEvents.message(RoomVersion.V12);
            tooMany.set("auth_events", eventIds(11));
            assertInvalid(tooMany, RoomVersion.V12, Problem.TOO_MANY_AUTH_EVENTS);
        }

        @Test
        void acceptsDepthZeroAndTheLargestSafeInteger() {
            assertThat(Pdu.fromJson(TestEvents.message(RoomVersion.V11).put("depth", 0), RoomVersion.V11).depth()).isZero();
            ObjectNode max = TestEvents.message(RoomVersion.V11).put("depth", PduLimits.MAX_DEPTH);
            assertThat(Pdu.parse(CanonicalJson.encode(max), RoomVersion.V11).depth()).isEqualTo(9_007_199_254_740_991L);
        }

        @Test
        void refusesNegativeDepth() {
            assertInvalid(TestEvents.message(RoomVersion.V11).put("depth", -1), RoomVersion.V11, Problem.DEPTH_OUT_OF_RANGE);
        }

        @Test
        void refusesDepthBeyondTheSafeRange() {
            // CVE-2025-30355: a depth of 2^53 or more once stalled federation.
            byte[] json = CanonicalJson.encodeToString(TestEvents.message(RoomVersion.V11))
                    .replace("\"depth\":5", "\"depth\":9007199254740992").getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> Pdu.parse(json, RoomVersion.V11)).isInstanceOfSatisfying(InvalidJsonException.class,
                    e -> assertThat(e.problem()).isEqualTo(InvalidJsonException.Problem.INTEGER_OUT_OF_RANGE));
            ObjectNode built = TestEvents.message(RoomVersion.V11);
            built.set("depth", LongNode.valueOf(PduLimits.MAX_DEPTH + 1));
            assertThatThrownBy(() -> Pdu.fromJson(built, RoomVersion.V11)).isInstanceOfSatisfying(InvalidJsonException.class,
                    e -> assertThat(e.problem()).isEqualTo(InvalidJsonException.Problem.INTEGER_OUT_OF_RANGE));
        }

        @Test
        void refusesFloatsAnywhereInTheEvent() {
            ObjectNode built = TestEvents.message(RoomVersion.V11);
            built.set("depth", DoubleNode.valueOf(5.0));
            assertThatThrownBy(() -> Pdu.fromJson(built, RoomVersion.V11)).isInstanceOfSatisfying(InvalidJsonException.class,
                    e -> assertThat(e.problem()).isEqualTo(InvalidJsonException.Problem.FLOAT));
            byte[] json = CanonicalJson.encodeToString(TestEvents.message(RoomVersion.V11))
                    .replace("\"depth\":5", "\"depth\":5.0").getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> Pdu.parse(json, RoomVersion.V11)).isInstanceOfSatisfying(InvalidJsonException.class,
                    e -> assertThat(e.problem()).isEqualTo(InvalidJsonException.Problem.FLOAT));
        }

        @Test
        void limitsAreThoseOfTheSpec() {
            assertThat(PduLimits.MAX_EVENT_BYTES).isEqualTo(65_536);
            assertThat(PduLimits.MAX_FIELD_BYTES).isEqualTo(255);
            assertThat(PduLimits.MAX_PREV_EVENTS).isEqualTo(20);
            assertThat(PduLimits.MAX_AUTH_EVENTS).isEqualTo(10);
            assertThat(PduLimits.MAX_DEPTH).isEqualTo((1L << 53) - 1);
        }
    }

    @Nested
    class Fields {
        @ParameterizedTest
        @ValueSource(strings = {"type", "sender", "content", "depth", "origin_server_ts", "prev_events", "auth_events", "hashes", "room_id"})
        void refusesAMissingRequiredField(String field) {
            ObjectNode event = TestEvents.message(RoomVersion.V11);
            event.remove(field);
            assertInvalid(event, RoomVersion.V11, Problem.MISSING_FIELD);
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "type=1", "type=null", "sender=1", "state_key=1", "state_key=null", "content=\"x\"", "content=[]",
            "content=null", "depth=\"5\"", "depth=true", "origin_server_ts=\"1\"", "origin_server_ts=null",
            "prev_events=\"$x\"", "prev_events={}", "prev_events=[1]", "prev_events=[null]", "auth_events=\"x\"",
            "auth_events=[[]]", "hashes=\"x\"", "hashes={}", "hashes={\"sha256\":1}", "hashes=[]", "signatures=\"x\"",
            "signatures=[]", "room_id=1", "room_id=null",
        })
        void refusesAWrongTypedField(String assignment) {
            int eq = assignment.indexOf('=');
            ObjectNode event = TestEvents.message(RoomVersion.V11);
            event.set(assignment.substring(0, eq), CanonicalJson.parse(assignment.substring(eq + 1)));
            assertInvalid(event, RoomVersion.V11, Problem.WRONG_TYPE);
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "sender=\"alice\"", "sender=\"@alice\"", "sender=\"@:example.com\"", "sender=\"@alice:bad_host\"",
            "room_id=\"room\"", "room_id=\"!:example.com\"", "prev_events=[\"$short\"]", "prev_events=[\"\"]",
            "auth_events=[\"not-an-id\"]",
        })
        void refusesABadIdentifier(String assignment) {
            int eq = assignment.indexOf('=');
            ObjectNode event = TestEvents.message(RoomVersion.V11);
            event.set(assignment.substring(0, eq), CanonicalJson.parse(assignment.substring(eq + 1)));
            assertInvalid(event, RoomVersion.V11, Problem.BAD_IDENTIFIER);
        }

        @Test
        void acceptsAnEventWithoutSignatures() {
            ObjectNode event = TestEvents.message(RoomVersion.V11);
            event.remove("signatures");
            assertThat(Pdu.fromJson(event, RoomVersion.V11).sender()).isEqualTo(UserId.parse("@alice:example.com"));
        }

        @Test
        void acceptsHistoricalUserIdsAsSender() {
            ObjectNode event = TestEvents.message(RoomVersion.V11).put("sender", "@Old~User:example.com");
            assertThat(Pdu.fromJson(event, RoomVersion.V11).sender().isCompliant()).isFalse();
        }

        @Test
        void exposesTheFields() {
            ObjectNode json = TestEvents.state(RoomVersion.V11, "m.room.name", "");
            Pdu pdu = Pdu.fromJson(json, RoomVersion.V11);
            assertThat(pdu.roomVersion()).isEqualTo(RoomVersion.V11);
            assertThat(pdu.roomId()).isEqualTo(RoomId.parse("!room:example.com"));
            assertThat(pdu.type()).isEqualTo("m.room.name");
            assertThat(pdu.isState()).isTrue();
            assertThat(pdu.stateTuple()).isEqualTo(StateKey.of("m.room.name", ""));
            assertThat(pdu.is(EventTypes.NAME)).isTrue();
            assertThat(pdu.is(EventTypes.TOPIC)).isFalse();
            assertThat(pdu.isCreateEvent()).isFalse();
            assertThat(pdu.content().get("body").textValue()).isEqualTo("hello");
            assertThat(pdu.prevEvents()).containsExactly(EventId.parse("$" + HASH_B));
            assertThat(pdu.authEvents()).containsExactly(EventId.parse("$" + HASH_B));
            assertThat(pdu.depth()).isEqualTo(5);
            assertThat(pdu.originServerTs()).isEqualTo(1_700_000_000_000L);
            assertThat(pdu.canonicalBytes()).isEqualTo(CanonicalJson.encode(json));
            assertThat(pdu.toString()).contains(pdu.eventId().value(), "m.room.name", "@alice:example.com");
        }

        @Test
        void isAMessageEventWithoutAStateKey() {
            Pdu pdu = Pdu.fromJson(TestEvents.message(RoomVersion.V11), RoomVersion.V11);
            assertThat(pdu.isState()).isFalse();
            assertThat(pdu.stateKey()).isEmpty();
            assertThat(pdu.is(EventTypes.MESSAGE)).isFalse();
            assertThatThrownBy(pdu::stateTuple).isInstanceOf(IllegalStateException.class);
            assertThat(pdu.toString()).doesNotContain("null");
        }

        @Test
        void isImmutable() {
            ObjectNode json = TestEvents.message(RoomVersion.V11);
            Pdu pdu = Pdu.fromJson(json, RoomVersion.V11);
            String id = pdu.eventId().value();
            json.put("depth", 99);
            pdu.json().put("depth", 98);
            assertThat(pdu.depth()).isEqualTo(5);
            assertThat(pdu.json().get("depth").longValue()).isEqualTo(5);
            assertThat(Pdu.fromJson(pdu.json(), RoomVersion.V11).eventId().value()).isEqualTo(id);
        }

        @Test
        void equalsByEventId() {
            Pdu a = Pdu.fromJson(TestEvents.message(RoomVersion.V11), RoomVersion.V11);
            Pdu b = Pdu.parse(CanonicalJson.encode(TestEvents.message(RoomVersion.V11)), RoomVersion.V11);
            Pdu c = Pdu.fromJson(TestEvents.message(RoomVersion.V11).put("depth", 6), RoomVersion.V11);
            assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(c).isNotEqualTo("x");
        }

        @Test
        void parseRefusesNonObjectsAndBadJson() {
            assertThatThrownBy(() -> Pdu.parse("[]".getBytes(StandardCharsets.UTF_8), RoomVersion.V11))
                    .isInstanceOfSatisfying(InvalidJsonException.class,
                            e -> assertThat(e.problem()).isEqualTo(InvalidJsonException.Problem.NOT_AN_OBJECT));
            assertThatThrownBy(() -> Pdu.parse("{\"type\":\"a\",\"type\":\"b\"}".getBytes(StandardCharsets.UTF_8), RoomVersion.V11))
                    .isInstanceOfSatisfying(InvalidJsonException.class,
                            e -> assertThat(e.problem()).isEqualTo(InvalidJsonException.Problem.DUPLICATE_KEY));
        }
    }

    @Nested
    class EventIds {
        private String sha256UrlSafe(String canonical) throws Exception {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        }

        @Test
        void eventIdIsDollarPlusTheReferenceHashOfTheRedactedEvent() throws Exception {
            // The redacted form by hand: message content emptied, signatures and unsigned dropped, keys sorted.
            String redacted = "{\"auth_events\":[\"$" + HASH_B + "\"],\"content\":{},\"depth\":5,"
                    + "\"hashes\":{\"sha256\":\"x\"},\"origin_server_ts\":1700000000000,\"prev_events\":[\"$" + HASH_B + "\"],"
                    + "\"room_id\":\"!room:example.com\",\"sender\":\"@alice:example.com\",\"type\":\"m.room.message\"}";
            Pdu pdu = Pdu.fromJson(TestEvents.message(RoomVersion.V11), RoomVersion.V11);
            assertThat(pdu.eventId().value()).isEqualTo("$" + sha256UrlSafe(redacted));
            assertThat(pdu.eventId().isHashForm()).isTrue();
        }

        @Test
        void eventIdIgnoresSignaturesUnsignedAndRedactableContentButNotTheRest() {
            ObjectNode base = TestEvents.message(RoomVersion.V11);
            EventId id = Pdu.fromJson(base, RoomVersion.V11).eventId();
            ObjectNode changed = base.deepCopy();
            changed.putObject("signatures");
            changed.putObject("unsigned").put("age", 99);
            ((ObjectNode) changed.get("content")).put("body", "other");
            assertThat(Pdu.fromJson(changed, RoomVersion.V11).eventId()).isEqualTo(id);
            assertThat(Pdu.fromJson(base.deepCopy().put("origin_server_ts", 1), RoomVersion.V11).eventId()).isNotEqualTo(id);
            ObjectNode otherHash = base.deepCopy();
            ((ObjectNode) otherHash.get("hashes")).put("sha256", "y");
            assertThat(Pdu.fromJson(otherHash, RoomVersion.V11).eventId()).isNotEqualTo(id);
        }

        @Test
        void withKnownIdKeepsTheGivenIdButStillChecksTheFormat() {
            EventId known = EventId.parse("$" + HASH_A);
            assertThat(Pdu.withKnownId(TestEvents.message(RoomVersion.V11), RoomVersion.V11, known).eventId()).isEqualTo(known);
            ObjectNode create = TestEvents.createV12();
            Pdu pdu = Pdu.withKnownId(create, RoomVersion.V12, known);
            assertThat(pdu.roomId()).isEqualTo(RoomId.parse("!" + HASH_A));
            ObjectNode bad = TestEvents.message(RoomVersion.V11).put("depth", -1);
            assertThatThrownBy(() -> Pdu.withKnownId(bad, RoomVersion.V11, known))
                    .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.problem()).isEqualTo(Problem.DEPTH_OUT_OF_RANGE));
        }
    }

    @Nested
    class RoomVersion12 {
        @Test
        void createEventHasNoRoomIdAndTheRoomIdIsItsReferenceHash() {
            Pdu create = Pdu.fromJson(TestEvents.createV12(), RoomVersion.V12);
            assertThat(create.isCreateEvent()).isTrue();
            String hash = EventHashes.referenceHashUrlSafe(TestEvents.createV12(), RoomVersion.V12);
            assertThat(create.eventId().value()).isEqualTo("$" + hash);
            assertThat(create.roomId().value()).isEqualTo("!" + hash);
            assertThat(create.roomId().isHashForm()).isTrue();
        }

        @Test
        void refusesACreateEventWithARoomId() {
            ObjectNode create = TestEvents.createV12().put("room_id", "!" + HASH_A);
            assertInvalid(create, RoomVersion.V12, Problem.FORBIDDEN_FIELD);
            ObjectNode legacy = TestEvents.createV12().put("room_id", "!room:example.com");
            assertInvalid(legacy, RoomVersion.V12, Problem.FORBIDDEN_FIELD);
        }

        @Test
        void refusesANonCreateEventWithAServerFormRoomId() {
            ObjectNode event = TestEvents.message(RoomVersion.V12).put("room_id", "!room:example.com");
            assertInvalid(event, RoomVersion.V12, Problem.BAD_IDENTIFIER);
        }

        @Test
        void requiresARoomIdOnEventsThatOnlyLookLikeCreateEvents() {
            ObjectNode notState = TestEvents.createV12();
            notState.remove("state_key");
            assertInvalid(notState, RoomVersion.V12, Problem.MISSING_FIELD);
            ObjectNode otherKey = TestEvents.createV12().put("state_key", "x");
            assertInvalid(otherKey, RoomVersion.V12, Problem.MISSING_FIELD);
        }

        @ParameterizedTest
        @EnumSource(value = RoomVersion.class, names = {"V10", "V11"})
        void olderVersionsRequireTheServerFormRoomId(RoomVersion version) {
            ObjectNode event = TestEvents.message(version).put("room_id", "!" + HASH_A);
            assertInvalid(event, version, Problem.BAD_IDENTIFIER);
            ObjectNode create = TestEvents.createV12();
            assertInvalid(create, version, Problem.MISSING_FIELD);
            assertThat(Pdu.fromJson(create.put("room_id", "!r:example.com"), version).roomId().server()).isPresent();
        }
    }

    @Nested
    class Redacts {
        private ObjectNode redaction(RoomVersion version, JsonNode redacts) {
            ObjectNode event = TestEvents.message(version).put("type", EventTypes.REDACTION);
            ObjectNode content = event.putObject("content");
            if (redacts != null) {
                (version.redactsInContent() ? content : event).set("redacts", redacts);
            }
            return event;
        }

        @ParameterizedTest
        @EnumSource(RoomVersion.class)
        void findsTheRedactedEventWhereTheVersionPutsIt(RoomVersion version) {
            Pdu pdu = Pdu.fromJson(redaction(version, NODES.textNode("$" + HASH_A)), version);
            assertThat(pdu.redacts()).contains(EventId.parse("$" + HASH_A));
            assertThat(Pdu.fromJson(redaction(version, null), version).redacts()).isEmpty();
        }

        @ParameterizedTest
        @EnumSource(value = RoomVersion.class, names = {"V11", "V12"})
        void refusesAMalformedRedactsInContent(RoomVersion version) {
            assertInvalid(redaction(version, NODES.textNode("$bad")), version, Problem.BAD_IDENTIFIER);
            assertInvalid(redaction(version, NODES.numberNode(1L)), version, Problem.BAD_IDENTIFIER);
        }

        @Test
        void ignoresAMalformedTopLevelRedactsInVersion10() {
            Pdu pdu = Pdu.fromJson(redaction(RoomVersion.V10, NODES.textNode("$bad")), RoomVersion.V10);
            assertThat(pdu.redacts()).isEmpty();
            assertThat(Pdu.fromJson(redaction(RoomVersion.V10, NODES.numberNode(1L)), RoomVersion.V10).redacts()).isEmpty();
        }

        @Test
        void version11IgnoresTopLevelRedacts() {
            ObjectNode event = redaction(RoomVersion.V11, null).put("redacts", "$" + HASH_A);
            assertThat(Pdu.fromJson(event, RoomVersion.V11).redacts()).isEmpty();
        }
    }

    @Nested
    class StripUnsigned {
        private ObjectNode withUnsigned(String type) {
            ObjectNode event = TestEvents.message(RoomVersion.V11).put("type", type);
            ObjectNode unsigned = event.putObject("unsigned");
            unsigned.put("age", 5);
            unsigned.putArray("invite_room_state").addObject().put("type", "m.room.name");
            unsigned.putArray("knock_room_state");
            unsigned.putObject("redacted_because").put("type", "m.room.redaction");
            unsigned.put("transaction_id", "t");
            unsigned.putObject("m.relations");
            unsigned.putObject("prev_content");
            return event;
        }

        @Test
        void keepsOnlyAgeOnNonMemberEvents() {
            ObjectNode stripped = Pdu.stripUnsigned(withUnsigned(EventTypes.MESSAGE));
            assertThat(stripped.get("unsigned").properties()).extracting(java.util.Map.Entry::getKey).containsExactly("age");
            assertThat(stripped.get("unsigned").get("age").longValue()).isEqualTo(5);
        }

        @Test
        void keepsAgeAndStrippedRoomStateOnMemberEvents() {
            ObjectNode stripped = Pdu.stripUnsigned(withUnsigned(EventTypes.MEMBER));
            assertThat(stripped.get("unsigned").properties()).extracting(java.util.Map.Entry::getKey)
                    .containsExactlyInAnyOrder("age", "invite_room_state", "knock_room_state");
            assertThat(stripped.get("unsigned").has("redacted_because")).isFalse();
        }

        @Test
        void dropsANonObjectUnsigned() {
            ObjectNode event = TestEvents.message(RoomVersion.V11).put("unsigned", "x");
            assertThat(Pdu.stripUnsigned(event).has("unsigned")).isFalse();
        }

        @Test
        void leavesAnEventWithoutUnsignedAsItIsAndNeverModifiesTheInput() {
            ObjectNode event = TestEvents.message(RoomVersion.V11);
            event.remove("unsigned");
            assertThat(Pdu.stripUnsigned(event)).isEqualTo(event).isNotSameAs(event);
            ObjectNode full = withUnsigned(EventTypes.MESSAGE);
            ObjectNode before = full.deepCopy();
            Pdu.stripUnsigned(full);
            assertThat(full).isEqualTo(before);
        }

        @Test
        void leavesEveryOtherFieldAlone() {
            ObjectNode event = withUnsigned(EventTypes.MESSAGE);
            ObjectNode stripped = Pdu.stripUnsigned(event);
            stripped.remove("unsigned");
            event.remove("unsigned");
            assertThat(stripped).isEqualTo(event);
        }
    }

    @Test
    void exceptionsAreProtocolExceptionsWithTheProblemInTheMessage() {
        InvalidEventException e = new InvalidEventException(Problem.BAD_HASH, "d", new RuntimeException());
        assertThat(e.problem()).isEqualTo(Problem.BAD_HASH);
        assertThat(e.getMessage()).isEqualTo("BAD_HASH: d");
        assertThat(e).isInstanceOf(dev.starling.protocol.ProtocolException.class);
    }
}
