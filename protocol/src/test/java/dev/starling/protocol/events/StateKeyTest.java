package dev.starling.protocol.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StateKeyTest {
    @Test
    void ordersByTypeThenStateKey() {
        assertThat(StateKey.of("a", "z")).isLessThan(StateKey.of("b", "a"));
        assertThat(StateKey.of("a", "a")).isLessThan(StateKey.of("a", "b"));
        assertThat(StateKey.of("a", "a").compareTo(new StateKey("a", "a"))).isZero();
        assertThat(StateKey.of("m.room.member", "@a:b").toString()).isEqualTo("(m.room.member, @a:b)");
    }

    @Test
    void refusesNulls() {
        assertThatThrownBy(() -> StateKey.of(null, "")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> StateKey.of("t", null)).isInstanceOf(NullPointerException.class);
    }
}
