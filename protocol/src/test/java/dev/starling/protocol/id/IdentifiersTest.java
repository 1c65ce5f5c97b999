package dev.starling.protocol.id;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdentifiersTest {
    @ParameterizedTest
    @ValueSource(strings = {"", "a", "é", "€", "😀", "a😀é€\u007f\u0080\u07ff\u0800\uffff"})
    void countsUtf8BytesOfWellFormedText(String s) {
        assertThat(Identifiers.utf8Length(s)).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
        assertThat(Identifiers.utf8(s)).isEqualTo(s.getBytes(StandardCharsets.UTF_8));
    }
}
