package dev.starling.server.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.server.http.ErrorCode;
import dev.starling.server.http.MatrixException;
import dev.starling.server.rooms.StreamToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SyncTokenTest {
    @Test
    void roundTripsBothPositions() {
        SyncToken token = new SyncToken(42, 7);
        assertThat(token).hasToString("s42_7");
        assertThat(SyncToken.parse("since", "s42_7")).isEqualTo(token);
    }

    @Test
    void aMessagesTokenReadsAsEphemeralZero() {
        assertThat(SyncToken.parse("since", "s42")).isEqualTo(new SyncToken(42, 0));
    }

    @Test
    void messagesAcceptASyncTokenAndIgnoreItsEphemeralPart() {
        assertThat(StreamToken.parse("from", "s42_7")).isEqualTo(new StreamToken(42));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "s", "s_", "s1_", "s_1", "x1_1", "s1_1_1", "s-1", "s1_-1", "s1 ", "s99999999999999999999",
            "s1_99999999999999999999", "s１"})
    void anythingElseIsAnInvalidParam(String token) {
        assertThatThrownBy(() -> SyncToken.parse("since", token))
                .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.M_INVALID_PARAM));
    }
}
