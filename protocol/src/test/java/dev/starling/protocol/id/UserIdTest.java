package dev.starling.protocol.id;

import static dev.starling.protocol.id.IdAssertions.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.protocol.id.InvalidIdentifierException.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class UserIdTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "@alice:example.com|alice|example.com|true",
        "@a.b_c=d-e/f+g:example.com|a.b_c=d-e/f+g|example.com|true",
        "@0:1.2.3.4:8448|0|1.2.3.4:8448|true",
        "@bob:[::1]:8448|bob|[::1]:8448|true",
        // historical grammar: any printable ASCII except ':'
        "@Alice:example.com|Alice|example.com|false",
    })
    void acceptsCurrentAndHistoricalUserIds(String value, String localpart, String server, boolean compliant) {
        UserId id = UserId.parse(value);
        assertThat(id.localpart()).isEqualTo(localpart);
        assertThat(id.server()).isEqualTo(ServerName.parse(server));
        assertThat(id.isCompliant()).isEqualTo(compliant);
        assertThat(id.toString()).isEqualTo(value);
        assertThat(id.isOn(ServerName.parse(server))).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "@alice:example.com|example.com|true",
        "@alice:example.com|example.co|false",
        "@alice:example.com|xample.com|false",
        "@alice:example.com|example.com:8448|false",
        "@alice:example.com:8448|example.com|false",
        "@alice:example.com:8448|example.com:8448|true",
        "@bob:[::1]:8448|[::1]:8448|true",
        "@bob:[::1]:8448|[::1]|false",
        "@example.com:other.org|example.com|false",
    })
    void isOnAnswersAsComparingServerNames(String user, String server, boolean on) {
        UserId id = UserId.parse(user);
        assertThat(id.isOn(ServerName.parse(server))).isEqualTo(on)
                .isEqualTo(id.server().equals(ServerName.parse(server)));
    }

    @Test
    void acceptsEveryPrintableAsciiCharacterButColonInHistoricalLocalparts() {
        StringBuilder all = new StringBuilder();
        for (char c = 0x21; c <= 0x7E; c++) {
            if (c != ':') {
                all.append(c);
            }
        }
        UserId id = UserId.parse("@" + all + ":example.com");
        assertThat(id.localpart()).isEqualTo(all.toString());
        assertThat(id.isCompliant()).isFalse();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        "alice:example.com", "#alice:example.com", "@alice", "@:example.com", "@alice:", "@ali ce:example.com",
        "@alicé:example.com", "@ali\u007fce:example.com", "@ali\tce:example.com", "@alice:exa_mple.com",
        "@alice:example.com:0", "@😀:example.com", "@", "@alice:1.2.3.256",
    })
    void refusesInvalidUserIds(String value) {
        assertInvalid(() -> UserId.parse(value), Kind.USER_ID);
    }

    @Test
    void limitsTheWholeIdTo255Bytes() {
        String server = ":example.com";
        String max = "@" + "a".repeat(255 - 1 - server.length()) + server;
        assertThat(max).hasSize(255);
        assertThat(UserId.parse(max).value()).isEqualTo(max);
        assertInvalid(() -> UserId.parse("@a" + max.substring(1)), Kind.USER_ID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.b_c=d-e/f+g", "0", "z"})
    void compliantLocalparts(String localpart) {
        assertThat(UserId.isCompliantLocalpart(localpart)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "A", "a b", "a!", "é", "a:b", "~", "a@b", "a#"})
    void nonCompliantLocalparts(String localpart) {
        assertThat(UserId.isCompliantLocalpart(localpart)).isFalse();
    }

    @Test
    void buildsFromLocalpartAndServer() {
        assertThat(UserId.of("alice", ServerName.parse("example.org:8448")).value()).isEqualTo("@alice:example.org:8448");
        assertInvalid(() -> UserId.of("", ServerName.parse("example.org")), Kind.USER_ID);
    }

    @Test
    void recordsCompareByValue() {
        assertThat(UserId.parse("@a:b.c")).isEqualTo(new UserId("@a:b.c")).hasSameHashCodeAs(new UserId("@a:b.c"));
    }
}
