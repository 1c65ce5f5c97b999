package dev.starling.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MatrixExceptionTest {
    @Test
    void errorCodesAreTheSpecNamesWithTheirStatuses() {
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(code.errcode()).startsWith("M_");
        }
        assertThat(ErrorCode.M_FORBIDDEN.defaultStatus()).isEqualTo(403);
        assertThat(ErrorCode.M_UNKNOWN_TOKEN.defaultStatus()).isEqualTo(401);
        assertThat(ErrorCode.M_MISSING_TOKEN.defaultStatus()).isEqualTo(401);
        assertThat(ErrorCode.M_NOT_FOUND.defaultStatus()).isEqualTo(404);
        assertThat(ErrorCode.M_UNRECOGNIZED.defaultStatus()).isEqualTo(404);
        assertThat(ErrorCode.M_LIMIT_EXCEEDED.defaultStatus()).isEqualTo(429);
        assertThat(ErrorCode.M_TOO_LARGE.defaultStatus()).isEqualTo(413);
        assertThat(ErrorCode.M_BAD_JSON.defaultStatus()).isEqualTo(400);
        assertThat(ErrorCode.M_NOT_JSON.defaultStatus()).isEqualTo(400);
    }

    @Test
    void withersCopyAndLeaveTheOriginalAlone() {
        MatrixException base = MatrixException.forbidden("no");
        MatrixException changed = base.withStatus(404).withField("x", 1).withHeader("H", "v");
        assertThat(base.status()).isEqualTo(403);
        assertThat(base.fields()).isEmpty();
        assertThat(changed.status()).isEqualTo(404);
        assertThat(changed.fields()).isEqualTo(Map.of("x", 1));
        assertThat(changed.headers()).isEqualTo(Map.of("H", "v"));
        assertThat(changed.getMessage()).isEqualTo("no");
    }

    @Test
    void errcodeAndErrorCannotBeOverwrittenByFields() {
        assertThatThrownBy(() -> MatrixException.forbidden("no").withField("errcode", "M_OTHER"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MatrixException.forbidden("no").withStatus(200))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theRenderedResponseCarriesCodeMessageFieldsAndRetryAfter() {
        MatrixResponse response = ErrorMapper.render(MatrixException.limitExceeded(1500));
        assertThat(response.status()).isEqualTo(429);
        assertThat(response.body().path("errcode").asText()).isEqualTo("M_LIMIT_EXCEEDED");
        assertThat(response.body().path("retry_after_ms").asLong()).isEqualTo(1500);
        assertThat(response.headers()).containsEntry("Retry-After", "2");
    }
}
