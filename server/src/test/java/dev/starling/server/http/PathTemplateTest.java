package dev.starling.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PathTemplateTest {
    private static List<String> raw(String path) {
        return List.of(path.substring(1).split("/", -1));
    }

    @Test
    void matchesLiteralsAndDecodesParameters() {
        PathTemplate template = PathTemplate.parse("/_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}");
        assertThat(template.paramNames()).containsExactly("roomId", "eventType", "txnId");
        assertThat(template.match(raw("/_matrix/client/v3/rooms/%21a%3Ab/send/m.x/t%2F1")))
                .contains(Map.of("roomId", "!a:b", "eventType", "m.x", "txnId", "t/1"));
        assertThat(template.match(raw("/_matrix/client/v3/rooms/!a:b/send/m.x"))).isEmpty();
        assertThat(template.match(raw("/_matrix/client/v3/rooms/!a:b/sent/m.x/1"))).isEmpty();
    }

    @Test
    void aBadlyEncodedParameterIsInvalidParam() {
        PathTemplate template = PathTemplate.parse("/rooms/{roomId}");
        assertThatThrownBy(() -> template.match(raw("/rooms/%C3%28")))
                .isInstanceOfSatisfying(MatrixException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.M_INVALID_PARAM));
        assertThatThrownBy(() -> template.match(raw("/rooms/%2")))
                .isInstanceOf(MatrixException.class);
    }

    @Test
    void refusesMalformedTemplates() {
        for (String bad : List.of("rooms", "/rooms//x", "/rooms/a{b}", "/rooms/{1x}", "/r/{a}/{a}", "/r/{a?}/x",
                "/r/{a", "/r/%2F")) {
            assertThatThrownBy(() -> PathTemplate.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void literalsAreMoreSpecificThanParameters() {
        PathTemplate literal = PathTemplate.parse("/profile/{userId}/displayname");
        PathTemplate param = PathTemplate.parse("/profile/{userId}/{field}");
        assertThat(PathTemplate.compareSpecificity(literal, param)).isNegative();
        assertThat(PathTemplate.compareSpecificity(param, literal)).isPositive();
    }

    @Test
    void theRouterRefusesTheSameRouteTwice() {
        MatrixHandler h = r -> MatrixResponse.empty();
        assertThatThrownBy(() -> Router.of(List.of(Route.get("/a/{x}", h), Route.get("/a/{y}", h))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Router.of(List.of(Route.get("/a/{x}", h), Route.put("/a/{x}", h))).routes()).hasSize(2);
    }

    @Test
    void routesNeedATokenUnlessTheySayOtherwise() {
        assertThat(Route.get("/a", r -> MatrixResponse.empty()).access()).isEqualTo(Access.REQUIRED);
    }
}
