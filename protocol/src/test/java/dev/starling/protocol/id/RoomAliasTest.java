package dev.starling.protocol.id;

import static dev.starling.protocol.id.IdAssertions.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.protocol.id.InvalidIdentifierException.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class RoomAliasTest {
    @Test
    void acceptsAliases() {
        RoomAlias alias = RoomAlias.parse("#room:example.com:8448");
        assertThat(alias.alias()).isEqualTo("room");
        assertThat(alias.server()).isEqualTo(ServerName.parse("example.com:8448"));
        assertThat(alias.toString()).isEqualTo("#room:example.com:8448");
        assertThat(RoomAlias.parse("#Ünïcode 😀 room:[::1]").alias()).isEqualTo("Ünïcode 😀 room");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        "room:example.com", "!room:example.com", "#room", "#:example.com", "#room:", "#ro\u0000om:example.com",
        "#ro\nom:example.com", "#room:exa_mple.com", "#room:example.com:99999", "#",
    })
    void refusesInvalidAliases(String value) {
        assertInvalid(() -> RoomAlias.parse(value), Kind.ROOM_ALIAS);
    }

    @Test
    void limitsTheAliasTo255BytesOfUtf8() {
        String suffix = ":example.com";
        // 😀 is 4 bytes in UTF-8 and 2 chars in UTF-16.
        int emojis = (255 - 1 - suffix.length()) / 4;
        String fits = "#" + "😀".repeat(emojis) + "a".repeat(255 - 1 - suffix.length() - 4 * emojis) + suffix;
        assertThat(Identifiers.utf8Length(fits)).isEqualTo(255);
        assertThat(RoomAlias.parse(fits).value()).isEqualTo(fits);
        assertInvalid(() -> RoomAlias.parse("#a" + fits.substring(1)), Kind.ROOM_ALIAS);
    }
}
