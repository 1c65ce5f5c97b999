package dev.starling.protocol.id;

import static dev.starling.protocol.id.IdAssertions.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ServerNameTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "example.com|example.com|",
        "example.com:8448|example.com|8448",
        "EXAMPLE.com|EXAMPLE.com|",
        "localhost|localhost|",
        "matrix-1.example|matrix-1.example|",
        "1.2.3.4|1.2.3.4|",
        "1.2.3.4:80|1.2.3.4|80",
        "255.255.255.255:1|255.255.255.255|1",
        "[::1]|[::1]|",
        "[::1]:8448|[::1]|8448",
        "[1234:5678::abcd]|[1234:5678::abcd]|",
        "[1:2:3:4:5:6:7:8]|[1:2:3:4:5:6:7:8]|",
        "[ABCD:ef01::]:65535|[ABCD:ef01::]|65535",
        "[::]|[::]|",
        "[::ffff:1.2.3.4]|[::ffff:1.2.3.4]|",
        "[1:2:3:4:5:6:1.2.3.4]|[1:2:3:4:5:6:1.2.3.4]|",
        "a:1|a|1",
        "x:00080|x|80",
    })
    void acceptsValidServerNames(String value, String host, Integer port) {
        ServerName name = ServerName.parse(value);
        assertThat(name.value()).isEqualTo(value);
        assertThat(name.toString()).isEqualTo(value);
        assertThat(name.host()).isEqualTo(host);
        if (port == null) {
            assertThat(name.port()).isEmpty();
        } else {
            assertThat(name.port()).hasValue(port);
        }
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        // ports
        "example.com:0", "example.com:65536", "example.com:123456", "example.com:", "example.com:-1",
        "example.com:8a", "example.com:+80", "example.com: 80", "[::1]:0", "[::1]:", "[::1]:65536", "a:1:2",
        // IPv4
        "1.2.3.256", "1.2.3", "1.2.3.4.5", "1..3.4", "1.2.3.4.", "1234.1.1.1", "999.1.1.1:80",
        // IPv6
        "[::1", "[]", "[1:2:3:4:5:6:7:8:9]", "[1:2:3:4:5:6:7]", "[1::2::3]", "[:::]", "[12345::]", "[g::1]",
        "[::1]x", "[::1]:80x", "::1", "[::1%eth0]", "[1.2.3.4]", "[::1.2.3.256]", "[1::2:3:4:5:6:7:8]",
        "[:1:2:3:4:5:6:7]", "[1:2:3:4:5:6:7:]", "[::\u0661]", "[::\uFF21]",
        "[1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1::1]",
        // DNS names
        "exa_mple.com", "under_score", "ex ample.com", "example.com/", "ex@mple", "exämple.com", ":80", "*.example",
        "example.com\n",
    })
    void refusesInvalidServerNames(String value) {
        assertInvalid(() -> ServerName.parse(value), InvalidIdentifierException.Kind.SERVER_NAME);
    }

    @Test
    void refusesNonAsciiHexDigitsInIpv6Literals() {
        // Character.digit('\u0661', 16) == 1 and Character.digit('\uFF21', 16) == 10.
        assertInvalid(() -> ServerName.parse("[::\u0661]"), InvalidIdentifierException.Kind.SERVER_NAME);
        assertInvalid(() -> ServerName.parse("[\uFF21::1]:8448"), InvalidIdentifierException.Kind.SERVER_NAME);
    }

    @Test
    void limitsTheLengthTo255Characters() {
        String max = "a".repeat(251) + ".com";
        assertThat(max).hasSize(255);
        assertThat(ServerName.parse(max).value()).isEqualTo(max);
        assertInvalid(() -> ServerName.parse("a" + max), InvalidIdentifierException.Kind.SERVER_NAME);
        assertThat(ServerName.MAX_LENGTH).isEqualTo(255);
    }

    @ParameterizedTest
    @CsvSource({
        "1.2.3.4, true", "1.2.3.4:80, true", "[::1], true", "[::1]:8448, true",
        "example.com, false", "example.com:80, false", "1.2.3.com, false",
    })
    void tellsIpLiteralsFromDnsNames(String value, boolean literal) {
        assertThat(ServerName.parse(value).isIpLiteral()).isEqualTo(literal);
    }

    @Test
    void quotesControlCharactersInTheErrorMessage() {
        try {
            ServerName.parse("bad\u0001name");
        } catch (InvalidIdentifierException e) {
            assertThat(e.getMessage()).contains("\\u0001").doesNotContain("\u0001");
            assertThat(e.getMessage()).startsWith("invalid server name ");
            return;
        }
        throw new AssertionError("expected an exception");
    }

    @Test
    void truncatesLongInputInTheErrorMessage() {
        String value = "_".repeat(300);
        try {
            ServerName.parse(value);
        } catch (InvalidIdentifierException e) {
            assertThat(e.getMessage()).contains("…").hasSizeLessThan(200);
            return;
        }
        throw new AssertionError("expected an exception");
    }

    @Test
    void namesNullInputInTheErrorMessage() {
        try {
            ServerName.parse(null);
        } catch (InvalidIdentifierException e) {
            assertThat(e.getMessage()).isEqualTo("invalid server name null: empty");
            return;
        }
        throw new AssertionError("expected an exception");
    }
}
