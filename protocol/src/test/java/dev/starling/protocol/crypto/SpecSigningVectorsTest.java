package dev.starling.protocol.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.EventHashes;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.protocol.rooms.RoomVersion;
import org.junit.jupiter.api.Test;

/**
 * The spec's cryptographic test vectors (Appendices, "Cryptographic Test Vectors"), reproduced byte for byte.
 * The event vectors are room-version-1-era events (with {@code origin}, {@code event_id}); the v10 redaction
 * rules keep {@code origin} at the top level like v1 did, and for these two events (type {@code X} and
 * {@code m.room.message}) v1 and v10 redaction agree, so they are driven with {@link RoomVersion#V10}.
 */
class SpecSigningVectorsTest {
    static final String SEED = "YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1";
    static final KeyId KEY_ID = KeyId.parse("ed25519:1");
    static final ServerName SERVER = ServerName.parse("domain");

    static SigningKey specKey() {
        return SigningKey.fromSeedBase64(KEY_ID, SEED);
    }

    private static String canonical(ObjectNode json) {
        return CanonicalJson.encodeToString(json);
    }

    @Test
    void signingEmptyJson() {
        ObjectNode signed = JsonSignatures.sign(CanonicalJson.parseObject("{}"), "domain", specKey());
        assertThat(canonical(signed)).isEqualTo(CanonicalJson.encodeToString(CanonicalJson.parse("""
                {
                    "signatures": {
                        "domain": {
                            "ed25519:1": "K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ"
                        }
                    }
                }""")));
        JsonSignatures.verify(signed, "domain", specKey().verifyKey());
    }

    @Test
    void signingJsonWithData() {
        ObjectNode signed = JsonSignatures.sign(
                CanonicalJson.parseObject("{\"one\": 1, \"two\": \"Two\"}"), "domain", specKey());
        assertThat(canonical(signed)).isEqualTo("{\"one\":1,\"signatures\":{\"domain\":{\"ed25519:1\":"
                + "\"KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw\"}},"
                + "\"two\":\"Two\"}");
        JsonSignatures.verify(signed, "domain", specKey().verifyKey());
    }

    @Test
    void signingMinimalEvent() {
        ObjectNode event = CanonicalJson.parseObject("""
                {
                    "room_id": "!x:domain",
                    "sender": "@a:domain",
                    "origin": "domain",
                    "origin_server_ts": 1000000,
                    "signatures": {},
                    "hashes": {},
                    "type": "X",
                    "content": {},
                    "prev_events": [],
                    "auth_events": [],
                    "depth": 3,
                    "unsigned": {
                        "age_ts": 1000000
                    }
                }""");
        ObjectNode expected = CanonicalJson.parseObject("""
                {
                    "auth_events": [],
                    "content": {},
                    "depth": 3,
                    "hashes": {
                        "sha256": "5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos"
                    },
                    "origin": "domain",
                    "origin_server_ts": 1000000,
                    "prev_events": [],
                    "room_id": "!x:domain",
                    "sender": "@a:domain",
                    "signatures": {
                        "domain": {
                            "ed25519:1": "KxwGjPSDEtvnFgU00fwFz+l6d2pJM6XBIaMEn81SXPTRl16AqLAYqfIReFGZlHi5KLjAWbOoMszkwsQma+lYAg"
                        }
                    },
                    "type": "X",
                    "unsigned": {
                        "age_ts": 1000000
                    }
                }""");
        ObjectNode signed = EventSigning.sign(event, RoomVersion.V10, SERVER, specKey());
        assertThat(canonical(signed)).isEqualTo(canonical(expected));
        assertThat(EventHashes.contentHashBase64(event)).isEqualTo("5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos");
        EventSigning.verify(signed, RoomVersion.V10, specKeys());
    }

    @Test
    void signingRedactableEvent() {
        ObjectNode event = CanonicalJson.parseObject("""
                {
                    "content": {
                        "body": "Here is the message content"
                    },
                    "event_id": "$0:domain",
                    "origin": "domain",
                    "origin_server_ts": 1000000,
                    "type": "m.room.message",
                    "room_id": "!r:domain",
                    "sender": "@u:domain",
                    "signatures": {},
                    "unsigned": {
                        "age_ts": 1000000
                    }
                }""");
        ObjectNode expected = CanonicalJson.parseObject("""
                {
                    "content": {
                        "body": "Here is the message content"
                    },
                    "event_id": "$0:domain",
                    "hashes": {
                        "sha256": "onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g"
                    },
                    "origin": "domain",
                    "origin_server_ts": 1000000,
                    "type": "m.room.message",
                    "room_id": "!r:domain",
                    "sender": "@u:domain",
                    "signatures": {
                        "domain": {
                            "ed25519:1": "Wm+VzmOUOz08Ds+0NTWb1d4CZrVsJSikkeRxh6aCcUwu6pNC78FunoD7KNWzqFn241eYHYMGCA5McEiVPdhzBA"
                        }
                    },
                    "unsigned": {
                        "age_ts": 1000000
                    }
                }""");
        ObjectNode signed = EventSigning.sign(event, RoomVersion.V10, SERVER, specKey());
        assertThat(canonical(signed)).isEqualTo(canonical(expected));
        EventSigning.verify(signed, RoomVersion.V10, specKeys());

        // The signature covers only the redacted form: a redacted copy still verifies, and its content hash
        // no longer matches, so the receiver keeps the redacted form.
        ObjectNode redactedCopy = signed.deepCopy();
        redactedCopy.putObject("content");
        EventSigning.verify(redactedCopy, RoomVersion.V10, specKeys());
        EventSigning.ContentHashCheck check = EventSigning.checkContentHash(redactedCopy, RoomVersion.V10);
        assertThat(check.matched()).isFalse();
        assertThat(check.event().get("content").size()).isZero();
    }

    @Test
    void redactableEventVectorUsesTheV1KeepList() {
        // Under v11 rules `origin` is not kept, so the redacted form and thus the signature differ: the vector
        // belongs to the v1..v10 top-level keep list.
        ObjectNode event = CanonicalJson.parseObject("""
                {"content":{"body":"Here is the message content"},"event_id":"$0:domain","origin":"domain",
                 "origin_server_ts":1000000,"type":"m.room.message","room_id":"!r:domain","sender":"@u:domain",
                 "signatures":{},"unsigned":{"age_ts":1000000}}""");
        ObjectNode v11 = EventSigning.sign(event, RoomVersion.V11, SERVER, specKey());
        assertThat(v11.at("/signatures/domain/ed25519:1").textValue())
                .isNotEqualTo("Wm+VzmOUOz08Ds+0NTWb1d4CZrVsJSikkeRxh6aCcUwu6pNC78FunoD7KNWzqFn241eYHYMGCA5McEiVPdhzBA");
        assertThatThrownBy(() -> EventSigning.verify(
                EventSigning.sign(event, RoomVersion.V10, SERVER, specKey()), RoomVersion.V11, specKeys()))
                .isInstanceOf(SignatureException.class)
                .extracting(e -> ((SignatureException) e).problem())
                .isEqualTo(SignatureException.Problem.BAD_SIGNATURE);
    }

    @Test
    void specSeedDerivesAStableVerifyKey() {
        SigningKey key = specKey();
        // Round trip: the seed re-encodes canonically (the spec's text has non-zero unused bits in the last
        // character, so it re-encodes as ...XA0; both decode to the same 32 bytes).
        assertThat(key.seedBase64()).isEqualTo("YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA0");
        assertThat(SigningKey.fromSeedBase64(KEY_ID, key.seedBase64()).verifyKey()).isEqualTo(key.verifyKey());
    }

    static ServerKeys specKeys() {
        return ServerKeys.of(SERVER, new VerifyKeyWithExpiry(specKey().verifyKey(), Long.MAX_VALUE));
    }
}
