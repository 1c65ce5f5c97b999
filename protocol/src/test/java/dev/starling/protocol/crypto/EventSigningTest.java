package dev.starling.protocol.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.EventHashes;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.protocol.rooms.RoomVersion;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Event hashing and signing on the redacted form, key expiry, and content-hash fallback (SECURITY item 8). */
class EventSigningTest {
    static final ServerName ORIGIN = ServerName.parse("example.org");
    static final SigningKey KEY = SigningKey.generate(KeyId.ed25519("a"));
    static final SigningKey OTHER = SigningKey.generate(KeyId.ed25519("b"));
    static final long TS = 1_700_000_000_000L;

    static ObjectNode message() {
        return CanonicalJson.parseObject("""
                {"auth_events":["$create","$power","$member"],"content":{"body":"hello","msgtype":"m.text"},
                 "depth":7,"origin_server_ts":1700000000000,"prev_events":["$prev"],"room_id":"!room:example.org",
                 "sender":"@alice:example.org","type":"m.room.message","unsigned":{"age":3}}""");
    }

    static ServerKeys keys(SigningKey key, long validUntil) {
        return ServerKeys.of(ORIGIN, new VerifyKeyWithExpiry(key.verifyKey(), validUntil));
    }

    static void assertProblem(ThrowingCallable call, SignatureException.Problem problem) {
        assertThatThrownBy(call).isInstanceOf(SignatureException.class)
                .satisfies(e -> assertThat(((SignatureException) e).problem()).isEqualTo(problem));
    }

    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void signedEventVerifiesAndHasItsContentHash(RoomVersion version) {
        ObjectNode input = message();
        String before = CanonicalJson.encodeToString(input);
        ObjectNode signed = EventSigning.sign(input, version, ORIGIN, KEY);
        assertThat(CanonicalJson.encodeToString(input)).isEqualTo(before);
        assertThat(signed.at("/hashes/sha256").textValue()).isEqualTo(EventHashes.contentHashBase64(input));
        assertThat(signed.at("/unsigned/age").intValue()).isEqualTo(3);
        EventSigning.verify(signed, version, keys(KEY, TS));
        assertThat(EventSigning.checkContentHash(signed, version).matched()).isTrue();
    }

    @Test
    void theSignatureIsOverTheRedactedForm() {
        ObjectNode signed = EventSigning.sign(message(), RoomVersion.V11, ORIGIN, KEY);
        ObjectNode redacted = dev.starling.protocol.events.Redaction.redact(signed, RoomVersion.V11);
        JsonSignatures.verify(redacted, "example.org", KEY.verifyKey());
        assertProblem(() -> JsonSignatures.verify(signed, "example.org", KEY.verifyKey()),
                SignatureException.Problem.BAD_SIGNATURE);
    }

    @Test
    void tamperedEssentialFieldFails() {
        ObjectNode signed = EventSigning.sign(message(), RoomVersion.V11, ORIGIN, KEY);
        for (String field : new String[] {"sender", "room_id", "type"}) {
            ObjectNode tampered = signed.deepCopy().put(field, field.equals("type") ? "m.room.x" : "@mallory:example.org");
            assertProblem(() -> EventSigning.verify(tampered, RoomVersion.V11, keys(KEY, TS)),
                    SignatureException.Problem.BAD_SIGNATURE);
        }
        ObjectNode depth = signed.deepCopy().put("depth", 8);
        assertProblem(() -> EventSigning.verify(depth, RoomVersion.V11, keys(KEY, TS)), SignatureException.Problem.BAD_SIGNATURE);
        ObjectNode hash = signed.deepCopy();
        hash.with("hashes").put("sha256", EventHashes.contentHashBase64(message().put("depth", 9)));
        assertProblem(() -> EventSigning.verify(hash, RoomVersion.V11, keys(KEY, TS)), SignatureException.Problem.BAD_SIGNATURE);
    }

    @Test
    void tamperedContentPassesSignaturesButKeepsOnlyTheRedactedForm() {
        ObjectNode tampered = EventSigning.sign(message(), RoomVersion.V11, ORIGIN, KEY);
        tampered.with("content").put("body", "evil");
        EventSigning.verify(tampered, RoomVersion.V11, keys(KEY, TS));
        EventSigning.ContentHashCheck check = EventSigning.checkContentHash(tampered, RoomVersion.V11);
        assertThat(check.matched()).isFalse();
        assertThat(CanonicalJson.encodeToString(check.event()))
                .isEqualTo(CanonicalJson.encodeToString(dev.starling.protocol.events.Redaction.redact(tampered, RoomVersion.V11)));
        assertThat(check.event().get("content").size()).isZero();
        assertThat(check.event().has("unsigned")).isFalse();
    }

    @Test
    void missingOrMalformedHashKeepsTheRedactedForm() {
        ObjectNode signed = EventSigning.sign(message(), RoomVersion.V11, ORIGIN, KEY);
        ObjectNode noHash = signed.deepCopy();
        noHash.remove("hashes");
        assertThat(EventSigning.checkContentHash(noHash, RoomVersion.V11).matched()).isFalse();
        ObjectNode badHash = signed.deepCopy();
        badHash.with("hashes").put("sha256", "not base64!");
        assertThat(EventSigning.checkContentHash(badHash, RoomVersion.V11).matched()).isFalse();
    }

    @Test
    void signatureByAnotherKeyUnderTheSameIdFails() {
        SigningKey impostor = SigningKey.generate(KEY.keyId());
        ObjectNode signed = EventSigning.sign(message(), RoomVersion.V11, ORIGIN, impostor);
        assertProblem(() -> EventSigning.verify(signed, RoomVersion.V11, keys(KEY, TS)), SignatureException.Problem.BAD_SIGNATURE);
    }

    @Test
    void missingSignatureFromTheServer() {
        ObjectNode unsigned = EventHashes.withContentHash(message());
        assertProblem(() -> EventSigning.verify(unsigned, RoomVersion.V11, keys(KEY, TS)),
                SignatureException.Problem.MISSING_SIGNATURE);
        ObjectNode byOther = EventSigning.sign(message(), RoomVersion.V11, ServerName.parse("other.org"), KEY);
        assertProblem(() -> EventSigning.verify(byOther, RoomVersion.V11, keys(KEY, TS)),
                SignatureException.Problem.MISSING_SIGNATURE);
    }

    @Test
    void unknownKeysAreSkippedButOneKnownKeyIsNeeded() {
        ObjectNode signed = EventSigning.sign(message(), RoomVersion.V11, ORIGIN, OTHER);
        assertProblem(() -> EventSigning.verify(signed, RoomVersion.V11, keys(KEY, TS)), SignatureException.Problem.UNKNOWN_KEY);
        ObjectNode both = EventSigning.sign(signed, RoomVersion.V11, ORIGIN, KEY);
        assertThat(JsonSignatures.signingKeyIds(both, "example.org")).containsExactlyInAnyOrder("ed25519:a", "ed25519:b");
        EventSigning.verify(both, RoomVersion.V11, keys(KEY, TS));
        EventSigning.verify(both, RoomVersion.V11, keys(OTHER, TS));
    }

    @Test
    void otherAlgorithmsAreSkipped() {
        ObjectNode signed = EventSigning.sign(message(), RoomVersion.V11, ORIGIN, KEY);
        signed.with("signatures").with("example.org").put("future:x", "!!not even base64!!");
        EventSigning.verify(signed, RoomVersion.V11, keys(KEY, TS));
    }

    @Test
    void everyKnownSignatureMustVerify() {
        ObjectNode signed = EventSigning.sign(message(), RoomVersion.V11, ORIGIN, KEY);
        signed.with("signatures").with("example.org").put("ed25519:b", Base64s.encode(new byte[64]));
        ServerKeys both = ServerKeys.of(ORIGIN, new VerifyKeyWithExpiry(KEY.verifyKey(), TS),
                new VerifyKeyWithExpiry(OTHER.verifyKey(), TS));
        assertProblem(() -> EventSigning.verify(signed, RoomVersion.V11, both), SignatureException.Problem.BAD_SIGNATURE);
    }

    @Test
    void expiredKeyIsRefusedForEventsNewerThanItsValidity() {
        ObjectNode signed = EventSigning.sign(message(), RoomVersion.V11, ORIGIN, KEY);
        EventSigning.verify(signed, RoomVersion.V11, keys(KEY, TS)); // valid_until_ts == origin_server_ts is enough
        assertProblem(() -> EventSigning.verify(signed, RoomVersion.V11, keys(KEY, TS - 1)),
                SignatureException.Problem.EXPIRED_KEY);
        // An event from before the key expired still verifies with it.
        ObjectNode older = EventSigning.sign(message().put("origin_server_ts", TS - 10), RoomVersion.V11, ORIGIN, KEY);
        EventSigning.verify(older, RoomVersion.V11, keys(KEY, TS - 1));
    }

    @Test
    void anExpiredKeyDoesNotHideAValidOne() {
        ObjectNode signed = EventSigning.sign(EventSigning.sign(message(), RoomVersion.V11, ORIGIN, KEY),
                RoomVersion.V11, ORIGIN, OTHER);
        ServerKeys keys = ServerKeys.of(ORIGIN, new VerifyKeyWithExpiry(KEY.verifyKey(), TS - 1),
                new VerifyKeyWithExpiry(OTHER.verifyKey(), TS + 1));
        EventSigning.verify(signed, RoomVersion.V11, keys);
    }

    @Test
    void missingOriginServerTsIsMalformed() {
        ObjectNode signed = EventSigning.sign(message(), RoomVersion.V11, ORIGIN, KEY);
        signed.remove("origin_server_ts");
        assertProblem(() -> EventSigning.verify(signed, RoomVersion.V11, keys(KEY, TS)),
                SignatureException.Problem.MALFORMED_OBJECT);
    }

    @Test
    void requiredSignerIsTheSendersServer() {
        assertThat(EventSigning.requiredSigner(message())).isEqualTo(ORIGIN);
        assertProblem(() -> EventSigning.requiredSigner(message().put("sender", "alice")),
                SignatureException.Problem.MALFORMED_OBJECT);
    }

    @Test
    void aRestrictedJoinAlsoNeedsTheAuthorisingServersSignature() {
        ObjectNode join = message();
        join.put("type", "m.room.member").put("state_key", join.get("sender").asText());
        join.putObject("content").put("membership", "join").put("join_authorised_via_users_server", "@admin:b.org");

        assertThat(EventSigning.requiredSigners(join)).containsExactly(ORIGIN, ServerName.parse("b.org"));
        assertThat(EventSigning.requiredSigners(message())).containsExactly(ORIGIN);

        ((ObjectNode) join.get("content")).put("membership", "leave");
        assertThat(EventSigning.requiredSigners(join)).containsExactly(ORIGIN);

        ((ObjectNode) join.get("content")).put("membership", "join").put("join_authorised_via_users_server", "admin");
        assertProblem(() -> EventSigning.requiredSigners(join), SignatureException.Problem.MALFORMED_OBJECT);
    }
}
