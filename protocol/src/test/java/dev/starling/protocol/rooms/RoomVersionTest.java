package dev.starling.protocol.rooms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.protocol.ProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class RoomVersionTest {
    @ParameterizedTest
    @CsvSource({"10, V10", "11, V11", "12, V12"})
    void findsSupportedVersionsById(String id, RoomVersion expected) {
        assertThat(RoomVersion.fromId(id)).isEqualTo(expected);
        assertThat(expected.id()).isEqualTo(id);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"1", "2", "9", "13", "org.matrix.hydra.11", " 12", "12 ", "012", "V12", "v12"})
    void refusesUnsupportedVersionsNamingThem(String id) {
        assertThatThrownBy(() -> RoomVersion.fromId(id))
                .isInstanceOfSatisfying(UnsupportedRoomVersionException.class, e -> {
                    assertThat(e.version()).isEqualTo(id);
                    assertThat(e.getMessage()).contains(id == null ? "null" : "\"" + id + "\"").contains("[10, 11, 12]");
                })
                .isInstanceOf(ProtocolException.class);
    }

    @Test
    void listsSupportedIdsAndDefaultsToTwelve() {
        assertThat(RoomVersion.supportedIds()).containsExactly("10", "11", "12");
        assertThat(RoomVersion.DEFAULT).isEqualTo(RoomVersion.V12);
    }

    @ParameterizedTest
    @CsvSource({
        "V10, V2,   V10, false, false, false, false",
        "V11, V2,   V11, true,  true,  false, false",
        "V12, V2_1, V11, true,  true,  true,  true",
    })
    void flagsDifferPerVersion(RoomVersion version, RoomVersion.StateResolution stateRes, RoomVersion.RedactionRules redaction,
            boolean creatorIsSender, boolean redactsInContent, boolean hashRoomId, boolean privilegedCreators) {
        assertThat(version.stateResolution()).isEqualTo(stateRes);
        assertThat(version.redactionRules()).isEqualTo(redaction);
        assertThat(version.creatorIsSender()).isEqualTo(creatorIsSender);
        assertThat(version.redactsInContent()).isEqualTo(redactsInContent);
        assertThat(version.roomIdIsCreateEventHash()).isEqualTo(hashRoomId);
        assertThat(version.privilegedCreators()).isEqualTo(privilegedCreators);
    }
}
