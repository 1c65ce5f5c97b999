package dev.starling.protocol.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Base64sTest {

    /** Appendices, "Unpadded Base64": every example. */
    @ParameterizedTest
    @CsvSource(value = {"'',''", "f,Zg", "fo,Zm8", "foo,Zm9v", "foob,Zm9vYg", "fooba,Zm9vYmE", "foobar,Zm9vYmFy"})
    void specExamples(String plain, String encoded) {
        byte[] bytes = plain.getBytes(StandardCharsets.US_ASCII);
        assertThat(Base64s.encode(bytes)).isEqualTo(encoded);
        assertThat(Base64s.decode(encoded)).isEqualTo(bytes);
    }

    @Test
    void acceptsCorrectPaddingAsTheSpecAsks() {
        assertThat(Base64s.decode("Zg==")).isEqualTo(new byte[] {'f'});
        assertThat(Base64s.decode("Zm8=")).isEqualTo(new byte[] {'f', 'o'});
    }

    @ParameterizedTest
    @ValueSource(strings = {"Zg=", "Zg===", "Zm9v=", "Zm9v====", "=", "==", "Z===", "Zm8=="})
    void refusesWrongPadding(String text) {
        assertThatThrownBy(() -> Base64s.decode(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Z", "Zm9vY", "Zm9vYmFyZ"})
    void refusesLengthsThatEncodeNoWholeBytes(String text) {
        assertThatThrownBy(() -> Base64s.decode(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Zm9v Yg", "Zm9v\nYg", "Zm-v", "Zm_v", "Zm9v.g", "Zm9vé", "Zm\u0000v", "Ｚm9v"})
    void standardRefusesCharactersOutsideItsAlphabet(String text) {
        assertThatThrownBy(() -> Base64s.decode(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void urlSafeUsesItsOwnAlphabetOnly() {
        byte[] bytes = {(byte) 0xfb, (byte) 0xff, (byte) 0xbf};
        assertThat(Base64s.encode(bytes)).isEqualTo("+/+/");
        assertThat(Base64s.encodeUrlSafe(bytes)).isEqualTo("-_-_");
        assertThat(Base64s.decodeUrlSafe("-_-_")).isEqualTo(bytes);
        assertThatThrownBy(() -> Base64s.decodeUrlSafe("+/+/")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Base64s.decode("-_-_")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ignoresUnusedTrailingBitsLikeOtherMatrixImplementations() {
        // The spec's signing-key seed ends in '1', whose two low bits are unused.
        assertThat(Base64s.decode("Zh")).isEqualTo(Base64s.decode("Zg"));
    }

    @Test
    void errorMessagesDoNotRepeatTheInput() {
        String secret = "c2VjcmV0c2VjcmV0!c2VjcmV0";
        assertThatThrownBy(() -> Base64s.decode(secret)).message().doesNotContain("c2VjcmV0");
    }

    @Property
    void agreesWithTheJdkEncoder(@ForAll byte[] data) {
        assertThat(Base64s.encode(data)).isEqualTo(Base64.getEncoder().withoutPadding().encodeToString(data));
        assertThat(Base64s.encodeUrlSafe(data)).isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(data));
        assertThat(Base64s.decode(Base64s.encode(data))).isEqualTo(data);
        assertThat(Base64s.decode(Base64.getEncoder().encodeToString(data))).isEqualTo(data);
        assertThat(Base64s.decodeUrlSafe(Base64s.encodeUrlSafe(data))).isEqualTo(data);
    }
}
