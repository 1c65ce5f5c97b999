package dev.starling.protocol.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.InvalidEventException;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.PduLimits;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.protocol.rooms.RoomVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link EventSigning#signNew} (one pass, each canonical encoding once) gives exactly the event that the general
 * path gives: {@code Pdu.fromJson(EventSigning.sign(...))} — same bytes, same ID, same checks.
 */
class EventSigningSignNewTest {
    static final ServerName ORIGIN = ServerName.parse("example.org");
    static final SigningKey KEY = SigningKey.generate(KeyId.ed25519("a"));

    static ObjectNode create(RoomVersion version) {
        ObjectNode event = CanonicalJson.parseObject("""
                {"auth_events":[],"content":{"room_version":"%s","creator":"@alice:example.org"},"depth":1,
                 "origin_server_ts":1700000000000,"prev_events":[],"sender":"@alice:example.org",
                 "state_key":"","type":"m.room.create"}""".formatted(version.id()));
        if (!version.roomIdIsCreateEventHash()) {
            event.put("room_id", "!room:example.org");
        }
        return event;
    }

    static String roomId(RoomVersion version) {
        return EventSigning.signNew(create(version), version, ORIGIN, KEY).roomId().value();
    }

    static ObjectNode event(RoomVersion version, String type, String stateKey, String contentJson) {
        ObjectNode event = CanonicalJson.parseObject("""
                {"auth_events":["$%1$sa","$%1$sb","$%1$sc"],"depth":7,"origin_server_ts":1700000000000,
                 "prev_events":["$%1$sd"],"sender":"@alice:example.org"}""".formatted("x".repeat(42)));
        event.put("type", type);
        if (stateKey != null) {
            event.put("state_key", stateKey);
        }
        event.put("room_id", roomId(version));
        event.set("content", CanonicalJson.parseObject(contentJson));
        return event;
    }

    static void assertSameAsGeneralPath(ObjectNode input, RoomVersion version) {
        String before = CanonicalJson.encodeToString(input);
        Pdu fast = EventSigning.signNew(input, version, ORIGIN, KEY);
        assertThat(CanonicalJson.encodeToString(input)).as("input unchanged").isEqualTo(before);
        Pdu general = Pdu.fromJson(EventSigning.sign(input, version, ORIGIN, KEY), version);
        assertThat(fast.eventId()).isEqualTo(general.eventId());
        assertThat(fast.roomId()).isEqualTo(general.roomId());
        assertThat(fast.canonicalBytes()).isEqualTo(general.canonicalBytes());
        assertThat(fast.canonicalJson()).isEqualTo(general.canonicalJson())
                .isEqualTo(new String(CanonicalJson.encode(fast.json()), StandardCharsets.UTF_8));
        assertThat(fast.json()).isEqualTo(general.json());
        // And what another server does with it: parse, recompute the ID, check hash and signature.
        Pdu received = Pdu.parse(fast.canonicalBytes(), version);
        assertThat(received.eventId()).isEqualTo(fast.eventId());
        EventSigning.verify(fast.json(), version, ServerKeys.of(ORIGIN, new VerifyKeyWithExpiry(KEY.verifyKey(),
                Long.MAX_VALUE)));
        assertThat(EventSigning.checkContentHash(fast.json(), version).matched()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void aMessageIsTheSameEventAsOnTheGeneralPath(RoomVersion version) {
        assertSameAsGeneralPath(event(version, "m.room.message", null, """
                {"body":"héllo \\u0000 ☃ 😀","msgtype":"m.text","n":[1,-2,{"b":null,"a":true}]}"""), version);
    }

    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void stateAndRedactionEventsAreTheSameAsOnTheGeneralPath(RoomVersion version) {
        assertSameAsGeneralPath(create(version), version);
        assertSameAsGeneralPath(event(version, "m.room.member", "@bob:example.org",
                "{\"membership\":\"join\",\"displayname\":\"Bob\"}"), version);
        assertSameAsGeneralPath(event(version, "m.room.power_levels", "",
                "{\"users\":{\"@alice:example.org\":100},\"invite\":0,\"ban\":50}"), version);
        ObjectNode redaction = event(version, "m.room.redaction", null, "{\"reason\":\"spam\"}");
        if (version.redactsInContent()) {
            redaction.withObject("/content").put("redacts", "$" + "t".repeat(43));
        } else {
            redaction.put("redacts", "$" + "t".repeat(43));
        }
        assertSameAsGeneralPath(redaction, version);
    }

    @Test
    void anEventThatAlreadyHasHashesSignaturesOrUnsignedIsRefused() {
        for (String field : new String[] {"hashes", "signatures", "unsigned"}) {
            ObjectNode event = event(RoomVersion.V11, "m.room.message", null, "{\"body\":\"x\"}");
            event.putObject(field);
            assertThatThrownBy(() -> EventSigning.signNew(event, RoomVersion.V11, ORIGIN, KEY))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(field);
        }
    }

    @Test
    void theFormatAndSizeChecksOfFromJsonStillRun() {
        ObjectNode big = event(RoomVersion.V11, "m.room.message", null, "{}");
        big.withObject("/content").put("body", "x".repeat(PduLimits.MAX_EVENT_BYTES));
        assertThatThrownBy(() -> EventSigning.signNew(big, RoomVersion.V11, ORIGIN, KEY))
                .isInstanceOf(InvalidEventException.class)
                .satisfies(e -> assertThat(((InvalidEventException) e).problem())
                        .isEqualTo(InvalidEventException.Problem.TOO_LARGE));
        ObjectNode badSender = event(RoomVersion.V11, "m.room.message", null, "{}");
        badSender.put("sender", "alice");
        assertThatThrownBy(() -> EventSigning.signNew(badSender, RoomVersion.V11, ORIGIN, KEY))
                .isInstanceOf(InvalidEventException.class)
                .satisfies(e -> assertThat(((InvalidEventException) e).problem())
                        .isEqualTo(InvalidEventException.Problem.BAD_IDENTIFIER));
        ObjectNode noDepth = event(RoomVersion.V11, "m.room.message", null, "{}");
        noDepth.remove("depth");
        assertThatThrownBy(() -> EventSigning.signNew(noDepth, RoomVersion.V11, ORIGIN, KEY))
                .isInstanceOf(InvalidEventException.class)
                .satisfies(e -> assertThat(((InvalidEventException) e).problem())
                        .isEqualTo(InvalidEventException.Problem.MISSING_FIELD));
    }

    @Test
    void signingIsEd25519OverTheMessageAsTheSignerClassComputesIt() {
        byte[] message = "the message".getBytes(StandardCharsets.UTF_8);
        byte[] signature = KEY.sign(message);
        var signer = new org.bouncycastle.crypto.signers.Ed25519Signer();
        signer.init(true, new org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters(
                Base64s.decode(KEY.seedBase64())));
        signer.update(message, 0, message.length);
        assertThat(signature).isEqualTo(signer.generateSignature());
        assertThat(KEY.verifyKey().verify(message, signature)).isTrue();
    }
}
