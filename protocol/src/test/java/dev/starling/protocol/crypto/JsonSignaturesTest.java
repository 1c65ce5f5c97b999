package dev.starling.protocol.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.json.CanonicalJson;
import java.util.Arrays;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class JsonSignaturesTest {
    static final SigningKey KEY = SigningKey.generate(KeyId.ed25519("1"));
    static final SigningKey OTHER_SAME_ID = SigningKey.generate(KeyId.ed25519("1"));
    static final SigningKey SECOND = SigningKey.generate(KeyId.ed25519("2"));

    static ObjectNode doc() {
        return CanonicalJson.parseObject("{\"name\":\"example.org\",\"n\":1,\"unsigned\":{\"age_ts\":5}}");
    }

    static void assertProblem(ThrowingCallable call, SignatureException.Problem problem) {
        assertThatThrownBy(call).isInstanceOf(SignatureException.class)
                .satisfies(e -> assertThat(((SignatureException) e).problem()).isEqualTo(problem));
    }

    static ObjectNode withSignature(ObjectNode signed, String value) {
        ObjectNode copy = signed.deepCopy();
        copy.with("signatures").with("example.org").put("ed25519:1", value);
        return copy;
    }

    @Test
    void signsWithoutUnsignedAndSignaturesAndKeepsUnsigned() {
        ObjectNode input = doc();
        String before = CanonicalJson.encodeToString(input);
        ObjectNode signed = JsonSignatures.sign(input, "example.org", KEY);
        assertThat(CanonicalJson.encodeToString(input)).isEqualTo(before);
        assertThat(signed.at("/unsigned/age_ts").intValue()).isEqualTo(5);
        byte[] signature = Base64s.decode(signed.at("/signatures/example.org/ed25519:1").textValue());
        assertThat(KEY.verifyKey().verify("{\"n\":1,\"name\":\"example.org\"}".getBytes(), signature)).isTrue();
        JsonSignatures.verify(signed, "example.org", KEY.verifyKey());
    }

    @Test
    void unsignedAndOtherSignaturesAreNotCovered() {
        ObjectNode signed = JsonSignatures.sign(doc(), "example.org", KEY);
        signed.with("unsigned").put("age_ts", 999);
        signed.with("signatures").putObject("notary.org").put("ed25519:x", "eA");
        JsonSignatures.verify(signed, "example.org", KEY.verifyKey());
    }

    @Test
    void mergesWithExistingSignatures() {
        ObjectNode once = JsonSignatures.sign(doc(), "example.org", KEY);
        ObjectNode twice = JsonSignatures.sign(once, "example.org", SECOND);
        ObjectNode thrice = JsonSignatures.sign(twice, "notary.org", KEY);
        assertThat(JsonSignatures.signingKeyIds(thrice, "example.org")).containsExactly("ed25519:1", "ed25519:2");
        assertThat(JsonSignatures.signingKeyIds(thrice, "notary.org")).containsExactly("ed25519:1");
        assertThat(JsonSignatures.signingKeyIds(thrice, "nobody.org")).isEmpty();
        JsonSignatures.verify(thrice, "example.org", KEY.verifyKey());
        JsonSignatures.verify(thrice, "example.org", SECOND.verifyKey());
        JsonSignatures.verify(thrice, "notary.org", KEY.verifyKey());
    }

    @Test
    void tamperedContentFails() {
        ObjectNode signed = JsonSignatures.sign(doc(), "example.org", KEY);
        signed.put("n", 2);
        assertProblem(() -> JsonSignatures.verify(signed, "example.org", KEY.verifyKey()),
                SignatureException.Problem.BAD_SIGNATURE);
        ObjectNode added = JsonSignatures.sign(doc(), "example.org", KEY);
        added.put("extra", true);
        assertProblem(() -> JsonSignatures.verify(added, "example.org", KEY.verifyKey()),
                SignatureException.Problem.BAD_SIGNATURE);
    }

    @Test
    void signatureByAnotherKeyFails() {
        ObjectNode signed = JsonSignatures.sign(doc(), "example.org", OTHER_SAME_ID);
        assertProblem(() -> JsonSignatures.verify(signed, "example.org", KEY.verifyKey()),
                SignatureException.Problem.BAD_SIGNATURE);
    }

    @Test
    void signatureMovedToAnotherEntityIsMissingForTheFirst() {
        ObjectNode signed = JsonSignatures.sign(doc(), "evil.org", KEY);
        assertProblem(() -> JsonSignatures.verify(signed, "example.org", KEY.verifyKey()),
                SignatureException.Problem.MISSING_SIGNATURE);
        assertProblem(() -> JsonSignatures.verify(signed, "evil.org", SECOND.verifyKey()),
                SignatureException.Problem.MISSING_SIGNATURE);
    }

    @Test
    void missingSignatures() {
        assertProblem(() -> JsonSignatures.verify(doc(), "example.org", KEY.verifyKey()),
                SignatureException.Problem.MISSING_SIGNATURE);
        ObjectNode empty = doc();
        empty.putObject("signatures");
        assertProblem(() -> JsonSignatures.verify(empty, "example.org", KEY.verifyKey()),
                SignatureException.Problem.MISSING_SIGNATURE);
    }

    @Test
    void truncatedAndOverLongSignatures() {
        ObjectNode signed = JsonSignatures.sign(doc(), "example.org", KEY);
        byte[] signature = Base64s.decode(signed.at("/signatures/example.org/ed25519:1").textValue());
        assertProblem(() -> JsonSignatures.verify(withSignature(signed, Base64s.encode(Arrays.copyOf(signature, 63))),
                "example.org", KEY.verifyKey()), SignatureException.Problem.WRONG_LENGTH);
        assertProblem(() -> JsonSignatures.verify(withSignature(signed, Base64s.encode(Arrays.copyOf(signature, 65))),
                "example.org", KEY.verifyKey()), SignatureException.Problem.WRONG_LENGTH);
        assertProblem(() -> JsonSignatures.verify(withSignature(signed, ""), "example.org", KEY.verifyKey()),
                SignatureException.Problem.WRONG_LENGTH);
        // Dropping two of 86 characters leaves 63 bytes; dropping one leaves 85 characters, which is not base64.
        String text = signed.at("/signatures/example.org/ed25519:1").textValue();
        assertProblem(() -> JsonSignatures.verify(withSignature(signed, text.substring(0, 84)), "example.org",
                KEY.verifyKey()), SignatureException.Problem.WRONG_LENGTH);
        assertProblem(() -> JsonSignatures.verify(withSignature(signed, text.substring(0, 85)), "example.org",
                KEY.verifyKey()), SignatureException.Problem.MALFORMED_BASE64);
    }

    @Test
    void nonBase64Signatures() {
        ObjectNode signed = JsonSignatures.sign(doc(), "example.org", KEY);
        String text = signed.at("/signatures/example.org/ed25519:1").textValue();
        for (String bad : new String[] {"!" + text.substring(1), text.substring(0, 40) + " " + text.substring(41),
                text.replace('+', '-').replace('/', '_') + (text.contains("+") || text.contains("/") ? "" : "-")}) {
            assertThatThrownBy(() -> JsonSignatures.verify(withSignature(signed, bad), "example.org", KEY.verifyKey()))
                    .isInstanceOf(SignatureException.class)
                    .satisfies(e -> assertThat(((SignatureException) e).problem())
                            .isIn(SignatureException.Problem.MALFORMED_BASE64, SignatureException.Problem.WRONG_LENGTH))
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(text.substring(2, 30)));
        }
        assertProblem(() -> JsonSignatures.verify(withSignature(signed, "!" + text.substring(1)), "example.org",
                KEY.verifyKey()), SignatureException.Problem.MALFORMED_BASE64);
    }

    @Test
    void nonCanonicalSignatureFails() {
        ObjectNode signed = JsonSignatures.sign(doc(), "example.org", KEY);
        byte[] signature = Base64s.decode(signed.at("/signatures/example.org/ed25519:1").textValue());
        byte[] malleated = KeysTest.withS(signature, KeysTest.littleEndian(signature, 32).add(KeysTest.L));
        assertProblem(() -> JsonSignatures.verify(withSignature(signed, Base64s.encode(malleated)), "example.org",
                KEY.verifyKey()), SignatureException.Problem.BAD_SIGNATURE);
    }

    @Test
    void malformedSignatureStructures() {
        ObjectNode notObject = doc().put("signatures", "x");
        assertProblem(() -> JsonSignatures.verify(notObject, "example.org", KEY.verifyKey()),
                SignatureException.Problem.MALFORMED_SIGNATURES);
        ObjectNode entityNotObject = doc();
        entityNotObject.putObject("signatures").putArray("example.org");
        assertProblem(() -> JsonSignatures.verify(entityNotObject, "example.org", KEY.verifyKey()),
                SignatureException.Problem.MALFORMED_SIGNATURES);
        ObjectNode signatureNotString = doc();
        signatureNotString.putObject("signatures").putObject("example.org").put("ed25519:1", 5);
        assertProblem(() -> JsonSignatures.verify(signatureNotString, "example.org", KEY.verifyKey()),
                SignatureException.Problem.MALFORMED_SIGNATURES);
    }

    @Test
    void signingRefusesMalformedExistingSignatures() {
        ObjectNode bad = doc().put("signatures", "x");
        assertProblem(() -> JsonSignatures.sign(bad, "example.org", KEY), SignatureException.Problem.MALFORMED_SIGNATURES);
    }
}
