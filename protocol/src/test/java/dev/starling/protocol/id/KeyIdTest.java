package dev.starling.protocol.id;

import static dev.starling.protocol.id.IdAssertions.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.protocol.id.InvalidIdentifierException.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class KeyIdTest {
    @ParameterizedTest
    @CsvSource({
        "ed25519:a_AbC, ed25519, a_AbC",
        "ed25519:DEVICEID, ed25519, DEVICEID",
        "signed_curve25519:AAAAAQ, signed_curve25519, AAAAAQ",
        "curve25519:with:colon, curve25519, with:colon",
        "a.b-c_9:é, a.b-c_9, é",
    })
    void parsesAlgorithmAndIdentifier(String value, String algorithm, String identifier) {
        KeyId id = KeyId.parse(value);
        assertThat(id.algorithm()).isEqualTo(algorithm);
        assertThat(id.identifier()).isEqualTo(identifier);
        assertThat(id.toString()).isEqualTo(value);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        "ed25519", ":abc", "ed25519:", "Ed25519:abc", "ed 25519:abc", "ed25519!:abc", "ed25519:a b",
        "ed25519:a\tb", "ed25519:a\u0000", "é:abc",
    })
    void refusesInvalidKeyIds(String value) {
        assertInvalid(() -> KeyId.parse(value), Kind.KEY_ID);
    }

    @Test
    void refusesNullParts() {
        assertInvalid(() -> new KeyId(null, "abc"), Kind.KEY_ID);
        assertInvalid(() -> new KeyId("ed25519", null), Kind.KEY_ID);
    }

    @Test
    void limitsTheWholeKeyIdTo255Bytes() {
        String max = "ed25519:" + "é".repeat(123) + "a";
        assertThat(Identifiers.utf8Length(max)).isEqualTo(255);
        assertThat(KeyId.parse(max).toString()).isEqualTo(max);
        assertInvalid(() -> KeyId.parse(max + "a"), Kind.KEY_ID);
    }

    @Test
    void buildsEd25519KeyIds() {
        assertThat(KeyId.ed25519("ABC")).isEqualTo(new KeyId("ed25519", "ABC"));
    }
}
