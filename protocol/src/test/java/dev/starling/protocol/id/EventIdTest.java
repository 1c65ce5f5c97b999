package dev.starling.protocol.id;

import static dev.starling.protocol.id.IdAssertions.HASH;
import static dev.starling.protocol.id.IdAssertions.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.protocol.id.InvalidIdentifierException.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class EventIdTest {
    @Test
    void acceptsTheHashForm() {
        EventId id = EventId.parse("$" + HASH);
        assertThat(id.isHashForm()).isTrue();
        assertThat(EventId.fromReferenceHash(HASH)).isEqualTo(id);
        assertThat(id.toString()).isEqualTo("$" + HASH);
    }

    @Test
    void acceptsTheLegacyServerForm() {
        EventId id = EventId.parse("$opaque:example.com");
        assertThat(id.isHashForm()).isFalse();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        "$", "$abc", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN-_0", "!abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN-_0", "$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN-_0x", "$bcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN-_0+", "$bcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN-_0/",
        "$bcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN-_0=", "$:example.com", "$opaque:", "$opaque:bad_name", "$ bcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN-_0",
    })
    void refusesInvalidEventIds(String value) {
        assertInvalid(() -> EventId.parse(value), Kind.EVENT_ID);
    }

    @Test
    void limitsTheServerFormTo255Bytes() {
        String suffix = ":example.com";
        String max = "$" + "x".repeat(255 - 1 - suffix.length()) + suffix;
        assertThat(EventId.parse(max).value()).hasSize(255);
        assertInvalid(() -> EventId.parse("$x" + max.substring(1)), Kind.EVENT_ID);
    }
}
