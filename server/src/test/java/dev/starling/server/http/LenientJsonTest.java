package dev.starling.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The body reader for client data (account data, tags): floats pass, everything else as strict as events. */
class LenientJsonTest {
    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"order\":0.5}", "{\"a\":1e3,\"b\":-0.0}", "{\"n\":{\"deep\":[1.25,2]}}", "{}"})
    void floatsAreAccepted(String json) {
        assertThat(LenientJson.parseObject(utf8(json))).isNotNull();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            {"a":1,"a":2}  | M_BAD_JSON
            [0.5]          | M_BAD_JSON
            0.5            | M_BAD_JSON
            {"a":1e400}    | M_BAD_JSON
            {"a":NaN}      | M_NOT_JSON
            {"a":          | M_NOT_JSON
            {} {}          | M_NOT_JSON
            ''             | M_NOT_JSON
            """)
    void everythingElseIsRefusedAsStrictly(String json, String errcode) {
        assertThatThrownBy(() -> LenientJson.parseObject(utf8(json))).isInstanceOfSatisfying(MatrixException.class,
                e -> assertThat(e.code().errcode()).isEqualTo(errcode));
    }

    @org.junit.jupiter.api.Test
    void deepNestingAndBadUtf8AreRefused() {
        String deep = "{\"a\":".repeat(200) + "1" + "}".repeat(200);
        assertThatThrownBy(() -> LenientJson.parseObject(utf8(deep))).isInstanceOfSatisfying(MatrixException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.M_BAD_JSON));
        assertThatThrownBy(() -> LenientJson.parseObject(new byte[] {'{', '"', (byte) 0xC0, (byte) 0x80, '"', '}'}))
                .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.M_NOT_JSON));
    }
}
