package dev.starling.protocol.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.protocol.rooms.RoomVersion;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** The key document of {@code GET /_matrix/key/v2/server} (Server-Server API, "Publishing Keys"). */
class ServerKeysDocumentTest {
    static final ServerName SERVER = ServerName.parse("example.org");
    static final SigningKey CURRENT = SigningKey.generate(KeyId.ed25519("new"));
    static final SigningKey SECOND = SigningKey.generate(KeyId.ed25519("second"));
    static final SigningKey RETIRED = SigningKey.generate(KeyId.ed25519("0ld"));
    static final long NOW = 1_700_000_000_000L;
    static final long DAY = 86_400_000L;

    static ServerKeysDocument document(long validUntil) {
        return new ServerKeysDocument(SERVER, Map.of(CURRENT.keyId(), CURRENT.verifyKey()),
                Map.of(RETIRED.keyId(), new ServerKeysDocument.OldVerifyKey(RETIRED.verifyKey(), NOW - DAY)), validUntil);
    }

    static void assertKeyProblem(ThrowingCallable call, KeyFormatException.Problem problem) {
        assertThatThrownBy(call).isInstanceOf(KeyFormatException.class)
                .satisfies(e -> assertThat(((KeyFormatException) e).problem()).isEqualTo(problem));
    }

    static void assertSignatureProblem(ThrowingCallable call, SignatureException.Problem problem) {
        assertThatThrownBy(call).isInstanceOf(SignatureException.class)
                .satisfies(e -> assertThat(((SignatureException) e).problem()).isEqualTo(problem));
    }

    @Test
    void buildsTheSpecShapeAndParsesBack() {
        ObjectNode json = document(NOW + DAY).sign(CURRENT);
        assertThat(json.at("/server_name").textValue()).isEqualTo("example.org");
        assertThat(json.at("/verify_keys/ed25519:new/key").textValue()).isEqualTo(CURRENT.verifyKey().publicKeyBase64());
        assertThat(json.at("/old_verify_keys/ed25519:0ld/key").textValue()).isEqualTo(RETIRED.verifyKey().publicKeyBase64());
        assertThat(json.at("/old_verify_keys/ed25519:0ld/expired_ts").longValue()).isEqualTo(NOW - DAY);
        assertThat(json.at("/valid_until_ts").longValue()).isEqualTo(NOW + DAY);
        assertThat(json.at("/signatures/example.org/ed25519:new").isTextual()).isTrue();

        ServerKeysDocument parsed = ServerKeysDocument.parse(CanonicalJson.parseObject(CanonicalJson.encode(json)), SERVER);
        assertThat(parsed).isEqualTo(document(NOW + DAY));
        assertThat(parsed.toString()).doesNotContain(CURRENT.seedBase64());
    }

    @Test
    void signedByEveryCurrentKey() {
        ServerKeysDocument doc = new ServerKeysDocument(SERVER,
                Map.of(CURRENT.keyId(), CURRENT.verifyKey(), SECOND.keyId(), SECOND.verifyKey()), Map.of(), NOW);
        ObjectNode json = doc.sign(CURRENT, SECOND);
        assertThat(JsonSignatures.signingKeyIds(json, "example.org")).containsExactlyInAnyOrder("ed25519:new", "ed25519:second");
        assertThat(ServerKeysDocument.parse(json, SERVER)).isEqualTo(doc);
        assertThatThrownBy(() -> document(NOW).sign(SECOND)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void validityIsCappedAtSevenDaysAfterFetching() {
        ServerKeys keys = document(NOW + 30 * DAY).toServerKeys(NOW);
        assertThat(keys.server()).isEqualTo(SERVER);
        assertThat(keys.find(CURRENT.keyId()).orElseThrow().validUntilTs()).isEqualTo(NOW + 7 * DAY);
        assertThat(keys.find(RETIRED.keyId()).orElseThrow().validUntilTs()).isEqualTo(NOW - DAY);
        assertThat(document(NOW + DAY).toServerKeys(NOW).find(CURRENT.keyId()).orElseThrow().validUntilTs())
                .isEqualTo(NOW + DAY);
    }

    @Test
    void endToEndOldKeyOnlyVerifiesEventsFromBeforeItExpired() {
        ServerKeys keys = ServerKeysDocument.parse(document(NOW + DAY).sign(CURRENT), SERVER).toServerKeys(NOW);
        ObjectNode before = EventSigning.sign(EventSigningTest.message().put("origin_server_ts", NOW - 2 * DAY),
                RoomVersion.V12, SERVER, RETIRED);
        EventSigning.verify(before, RoomVersion.V12, keys);
        ObjectNode after = EventSigning.sign(EventSigningTest.message().put("origin_server_ts", NOW),
                RoomVersion.V12, SERVER, RETIRED);
        assertSignatureProblem(() -> EventSigning.verify(after, RoomVersion.V12, keys), SignatureException.Problem.EXPIRED_KEY);
        ObjectNode tooLate = EventSigning.sign(EventSigningTest.message().put("origin_server_ts", NOW + 2 * DAY),
                RoomVersion.V12, SERVER, CURRENT);
        assertSignatureProblem(() -> EventSigning.verify(tooLate, RoomVersion.V12, keys), SignatureException.Problem.EXPIRED_KEY);
    }

    @Test
    void wrongServerIsRefused() {
        ObjectNode json = document(NOW).sign(CURRENT);
        assertKeyProblem(() -> ServerKeysDocument.parse(json, ServerName.parse("other.org")),
                KeyFormatException.Problem.WRONG_SERVER);
    }

    @Test
    void substitutedKeyBreaksTheSelfSignature() {
        ObjectNode json = document(NOW).sign(CURRENT);
        json.with("old_verify_keys").with("ed25519:0ld").put("key", SECOND.verifyKey().publicKeyBase64());
        assertSignatureProblem(() -> ServerKeysDocument.parse(json, SERVER), SignatureException.Problem.BAD_SIGNATURE);
        ObjectNode extended = document(NOW).sign(CURRENT).put("valid_until_ts", NOW + 365 * DAY);
        assertSignatureProblem(() -> ServerKeysDocument.parse(extended, SERVER), SignatureException.Problem.BAD_SIGNATURE);
    }

    @Test
    void aSignatureByAKeyNotInVerifyKeysDoesNotCount() {
        ObjectNode json = JsonSignatures.sign(document(NOW).toJson(), "example.org", SECOND);
        assertSignatureProblem(() -> ServerKeysDocument.parse(json, SERVER), SignatureException.Problem.MISSING_SIGNATURE);
        ObjectNode byOldKey = JsonSignatures.sign(document(NOW).toJson(), "example.org", RETIRED);
        assertSignatureProblem(() -> ServerKeysDocument.parse(byOldKey, SERVER), SignatureException.Problem.MISSING_SIGNATURE);
        assertSignatureProblem(() -> ServerKeysDocument.parse(document(NOW).toJson(), SERVER),
                SignatureException.Problem.MISSING_SIGNATURE);
    }

    @Test
    void notarySignaturesAndUnknownAlgorithmsAreIgnored() {
        ObjectNode json = document(NOW).toJson();
        json.with("verify_keys").putObject("future:1").put("key", "whatever");
        ObjectNode signed = JsonSignatures.sign(JsonSignatures.sign(json, "example.org", CURRENT), "notary.org", SECOND);
        assertThat(ServerKeysDocument.parse(signed, SERVER)).isEqualTo(document(NOW));
    }

    @Test
    void malformedDocumentsAreRefused() {
        ObjectNode noVerifyKeys = document(NOW).sign(CURRENT);
        noVerifyKeys.remove("verify_keys");
        assertKeyProblem(() -> ServerKeysDocument.parse(noVerifyKeys, SERVER), KeyFormatException.Problem.MALFORMED_DOCUMENT);
        ObjectNode noValidUntil = document(NOW).sign(CURRENT);
        noValidUntil.remove("valid_until_ts");
        assertKeyProblem(() -> ServerKeysDocument.parse(noValidUntil, SERVER), KeyFormatException.Problem.MALFORMED_DOCUMENT);
        ObjectNode noExpiry = document(NOW).sign(CURRENT);
        noExpiry.with("old_verify_keys").with("ed25519:0ld").remove("expired_ts");
        assertKeyProblem(() -> ServerKeysDocument.parse(noExpiry, SERVER), KeyFormatException.Problem.MALFORMED_DOCUMENT);
        ObjectNode badName = document(NOW).sign(CURRENT).put("server_name", "not a name");
        assertKeyProblem(() -> ServerKeysDocument.parse(badName, SERVER), KeyFormatException.Problem.MALFORMED_DOCUMENT);
    }

    @Test
    void badKeysInTheDocumentAreRefused() {
        ObjectNode weak = document(NOW).toJson();
        weak.with("verify_keys").with("ed25519:new").put("key", Base64s.encode(java.util.HexFormat.of()
                .parseHex("0100000000000000000000000000000000000000000000000000000000000000")));
        assertKeyProblem(() -> ServerKeysDocument.parse(weak, SERVER), KeyFormatException.Problem.WEAK_KEY);
        ObjectNode notBase64 = document(NOW).toJson();
        notBase64.with("verify_keys").with("ed25519:new").put("key", "%%%%");
        assertKeyProblem(() -> ServerKeysDocument.parse(notBase64, SERVER), KeyFormatException.Problem.MALFORMED_BASE64);
    }

    @Test
    void theSpecExampleHasPlaceholderKeysOfTheWrongLength() {
        // data/api/server-server/examples/server_key.json: its "keys" are ASCII sentences, 37 and 41 bytes long.
        ObjectNode example = CanonicalJson.parseObject("""
                {"server_name":"example.org",
                 "verify_keys":{"ed25519:abc123":{"key":"VGhpcyBzaG91bGQgYmUgYSByZWFsIGVkMjU1MTkgcGF5bG9hZA"}},
                 "old_verify_keys":{"ed25519:0ldk3y":{"expired_ts":1532645052628,
                    "key":"VGhpcyBzaG91bGQgYmUgeW91ciBvbGQga2V5J3MgZWQyNTUxOSBwYXlsb2FkLg"}},
                 "signatures":{"example.org":{"ed25519:auto2":"VGhpcyBzaG91bGQgYWN0dWFsbHkgYmUgYSBzaWduYXR1cmU"}},
                 "valid_until_ts":1652262000000}""");
        assertKeyProblem(() -> ServerKeysDocument.parse(example, SERVER), KeyFormatException.Problem.WRONG_LENGTH);
    }
}
