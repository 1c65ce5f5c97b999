package dev.starling.server.rooms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.server.http.MatrixException;
import org.junit.jupiter.api.Test;

/** The RoomEventFilter's parsing and wildcard matching. */
class RoomEventFilterTest {
    @Test
    void aStarMatchesAnyRunOfCharacters() {
        assertThat(RoomEventFilter.glob("m.room.*", "m.room.message")).isTrue();
        assertThat(RoomEventFilter.glob("m.room.*", "m.room.")).isTrue();
        assertThat(RoomEventFilter.glob("*", "")).isTrue();
        assertThat(RoomEventFilter.glob("m.*.member", "m.room.member")).isTrue();
        assertThat(RoomEventFilter.glob("m.*.member", "m.room.members")).isFalse();
        assertThat(RoomEventFilter.glob("m.room.message", "m.room.messages")).isFalse();
        assertThat(RoomEventFilter.glob("*a*b", "xaxxbxb")).isTrue();
        // Many stars against a long value stay quick (one backtrack point).
        assertThat(RoomEventFilter.glob("*a".repeat(100) + "b", "a".repeat(255))).isFalse();
    }

    @Test
    void badValuesAreInvalidParam() {
        for (String bad : new String[] {"[]", "{\"types\":\"m.room.message\"}", "{\"senders\":[1]}",
                "{\"limit\":-1}", "{\"limit\":1.5}", "{\"lazy_load_members\":\"yes\"}", "{\"contains_url\":1}", "{"}) {
            assertThatThrownBy(() -> RoomEventFilter.parseParameter(bad)).as(bad)
                    .isInstanceOfSatisfying(MatrixException.class,
                            e -> assertThat(e.code().name()).isEqualTo("M_INVALID_PARAM"));
        }
    }

    @Test
    void absentListsDoNotFilterAndNotListsWin() {
        RoomEventFilter filter = RoomEventFilter.parseParameter(
                "{\"types\":[\"m.*\"],\"not_types\":[\"m.room.member\"],\"limit\":3,\"lazy_load_members\":true}");
        assertThat(filter.limit()).contains(3);
        assertThat(filter.lazyLoadMembers()).isTrue();
        assertThat(filter.senders()).isEmpty();
        assertThat(RoomEventFilter.NONE.filtersEvents()).isFalse();
        assertThat(filter.filtersEvents()).isTrue();
    }
}
