package dev.starling.protocol.id;

import static dev.starling.protocol.id.IdAssertions.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.protocol.id.InvalidIdentifierException.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class DeviceIdTest {
    @ParameterizedTest
    @ValueSource(strings = {"ABCDEFGHIJ", "a", "dev:ice", "é😀", "x_y-z.1"})
    void acceptsPrintableDeviceIds(String value) {
        assertThat(DeviceId.parse(value).value()).isEqualTo(value);
        assertThat(DeviceId.parse(value).toString()).isEqualTo(value);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"a b", "a\tb", "a\nb", "\u0000", "a\u007f", "a\u0085", "\uD800", "a\uDC00", "\uD83Dx", "x\uD83D"})
    void refusesWhitespaceControlCharactersAndLoneSurrogates(String value) {
        assertInvalid(() -> DeviceId.parse(value), Kind.DEVICE_ID);
    }

    @Test
    void limitsTheLengthTo255BytesOfUtf8() {
        String max = "é".repeat(127) + "a";
        assertThat(Identifiers.utf8Length(max)).isEqualTo(255);
        assertThat(DeviceId.parse(max).value()).isEqualTo(max);
        assertInvalid(() -> DeviceId.parse("é".repeat(128)), Kind.DEVICE_ID);
    }
}
