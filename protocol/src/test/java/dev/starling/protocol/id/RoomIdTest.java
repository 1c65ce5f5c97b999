package dev.starling.protocol.id;

import static dev.starling.protocol.id.IdAssertions.HASH;
import static dev.starling.protocol.id.IdAssertions.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.protocol.id.InvalidIdentifierException.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class RoomIdTest {
    @Test
    void acceptsTheServerForm() {
        RoomId id = RoomId.parse("!opaque:example.com:8448");
        assertThat(id.isHashForm()).isFalse();
        assertThat(id.server()).contains(ServerName.parse("example.com:8448"));
        assertThat(id.toString()).isEqualTo("!opaque:example.com:8448");
        assertThat(RoomId.parse("!é😀 x:example.com").server()).contains(ServerName.parse("example.com"));
    }

    @Test
    void acceptsTheRoomVersion12HashForm() {
        RoomId id = RoomId.parse("!" + HASH);
        assertThat(id.isHashForm()).isTrue();
        assertThat(id.server()).isEmpty();
        assertThat(RoomId.fromCreateEventHash(HASH)).isEqualTo(id);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        "opaque:example.com", "$opaque:example.com", "!:example.com", "!opaque:", "!opaque:exa_mple.com", "!",
        "!abc", "!" + HASH + "A", "!" + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLM+/0", "!" + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN-_=",
        "!abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN-_",
    })
    void refusesInvalidRoomIds(String value) {
        assertInvalid(() -> RoomId.parse(value), Kind.ROOM_ID);
    }

    @Test
    void refusesAHashThatIsNot43Characters() {
        assertInvalid(() -> RoomId.fromCreateEventHash(HASH.substring(1)), Kind.ROOM_ID);
    }

    @Test
    void limitsTheServerFormTo255BytesOfUtf8() {
        String suffix = ":example.com";
        String max = "!" + "é".repeat((255 - 1 - suffix.length()) / 2) + suffix;
        assertThat(Identifiers.utf8Length(max)).isEqualTo(255);
        assertThat(max.length()).isLessThan(140);
        assertThat(RoomId.parse(max).value()).isEqualTo(max);
        assertInvalid(() -> RoomId.parse("!a" + max.substring(1)), Kind.ROOM_ID);
    }
}
