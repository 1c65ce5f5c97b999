package dev.starling.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.json.CanonicalJson;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The router's prefix index finds exactly what a scan of every route (most specific first) finds: the same route
 * and parameters, or the same 404/405 with the same {@code Allow}; and response bodies are written byte for byte
 * as the ObjectMapper writes them.
 */
class RouterIndexTest {
    private static final MatrixHandler NONE = request -> MatrixResponse.ok(Map.of());

    private static final List<Route> ROUTES = List.of(
            Route.put("/_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}", NONE),
            Route.get("/_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey?}", NONE),
            Route.put("/_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey?}", NONE),
            Route.get("/_matrix/client/v3/rooms/{roomId}/state", NONE),
            Route.get("/_matrix/client/v3/sync", NONE),
            Route.get("/_matrix/client/versions", NONE),
            Route.get("/.well-known/matrix/client", NONE),
            Route.get("/_matrix/client/v3/profile/{userId}/{field}", NONE),
            Route.get("/_matrix/client/v3/profile/{userId}/displayname", NONE),
            Route.put("/_matrix/client/v3/profile/{userId}/displayname", NONE),
            Route.get("/_matrix/client/v3/{anything}", NONE),
            Route.get("/_matrix/client/{version}/capabilities", NONE),
            Route.get("/_matrix/media/v3/download/{serverName}/{mediaId}", NONE),
            Route.get("/_matrix/media/v3/download/{serverName}/{mediaId}/{fileName}", NONE),
            Route.get("/_matrix/client/v3/pushrules/{scope?}", NONE),
            Route.post("/_matrix/client/v3/keys/upload", NONE),
            Route.get("/a/b/c/d/{e?}", NONE));

    private static final List<String> PATHS = List.of(
            "/_matrix/client/v3/rooms/!r:x/send/m.room.message/t1", "/_matrix/client/r0/rooms/!r:x/send/m/t",
            "/_matrix/client/v3/rooms/!r:x/state/m.room.name/", "/_matrix/client/v3/rooms/!r:x/state/m.room.name",
            "/_matrix/client/v3/rooms/!r:x/state", "/_matrix/client/v3/rooms/!r:x/state/a/b/c",
            "/_matrix/client/v3/sync", "/_matrix/client/versions", "/.well-known/matrix/client",
            "/_matrix/client/v3/profile/@a:x/displayname", "/_matrix/client/v3/profile/@a:x/avatar_url",
            "/_matrix/client/v3/nothing", "/_matrix/client/v3/capabilities", "/_matrix/client/v1/capabilities",
            "/_matrix/media/v3/download/x/y", "/_matrix/media/r0/download/x/y/f.png", "/_matrix/media/v3/download/x",
            "/_matrix/client/v3/pushrules", "/_matrix/client/v3/pushrules/", "/_matrix/client/v3/pushrules/global",
            "/_matrix/client/v3/keys/upload", "/a/b/c/d", "/a/b/c/d/", "/a/b/c/d/e", "/a/b/c", "/", "", "/x",
            "/_matrix/client/v3/rooms/%ZZ/send/a/b", "/_matrix/client/v3/profile/%ZZ/displayname");

    /** The route table as a scan of every route found it before the index. */
    private static Object scan(Router router, String method, String rawPath) {
        rawPath = Router.withCurrentPrefix(rawPath);
        List<String> segments = rawPath.startsWith("/") ? List.of(rawPath.substring(1).split("/", -1)) : List.of();
        Optional<HttpMethod> wanted = HttpMethod.parse(method);
        Set<HttpMethod> allowed = EnumSet.noneOf(HttpMethod.class);
        try {
            for (Route route : router.routes()) {
                if (wanted.isPresent() && route.method() == wanted.get()) {
                    Optional<Map<String, String>> params = route.template().match(segments);
                    if (params.isPresent()) {
                        return new Router.Match(route, params.get());
                    }
                } else if (!allowed.contains(route.method())) {
                    try {
                        if (route.template().match(segments).isPresent()) {
                            allowed.add(route.method());
                        }
                    } catch (MatrixException badEncoding) {
                        allowed.add(route.method());
                    }
                }
            }
        } catch (MatrixException e) {
            return describe(e);
        }
        return allowed.isEmpty() ? "404" : "405 " + allowed;
    }

    private static Object resolve(Router router, String method, String rawPath) {
        try {
            return router.resolve(method, rawPath);
        } catch (MatrixException e) {
            if (e.status() == 405) {
                Set<HttpMethod> allowed = EnumSet.noneOf(HttpMethod.class);
                for (String name : e.headers().get("Allow").split(", ")) {
                    HttpMethod.parse(name).ifPresent(allowed::add);
                }
                return "405 " + allowed;
            }
            return e.status() == 404 && e.code() == ErrorCode.M_UNRECOGNIZED ? "404" : describe(e);
        }
    }

    private static String describe(MatrixException e) {
        return e.status() + " " + e.code();
    }

    @Test
    void theIndexFindsWhatAScanOfEveryRouteFinds() {
        Router router = Router.of(ROUTES);
        List<String> checked = new ArrayList<>();
        for (String path : PATHS) {
            for (String method : List.of("GET", "PUT", "POST", "DELETE", "PATCH")) {
                assertThat(resolve(router, method, path)).as(method + " " + path).isEqualTo(scan(router, method, path));
                checked.add(method + " " + path);
            }
        }
        assertThat(checked).hasSize(PATHS.size() * 5);
    }

    @Test
    void responseBodiesAreWrittenAsTheObjectMapperWritesThem() throws Exception {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ObjectNode body = nodes.objectNode();
        body.put("event_id", "$abc");
        body.put("text", "héllo \u0000 \" \\ / \n ☃ 😀 \u2028");
        body.put("int", 7).put("long", 1L << 53).put("negative", -3);
        body.put("big", new BigInteger("123456789012345678901234567890"));
        body.put("decimal", new BigDecimal("1.50")).put("double", 0.1).put("float", 2.5f);
        body.put("true", true).putNull("null");
        body.putArray("array").add(1).add("two").addNull().addObject().put("k", "v");
        body.putObject("nested").putObject("deeper").putArray("empty");
        body.putPOJO("pojo", Map.of("a", 1));
        for (JsonNode node : List.of(body, nodes.objectNode(), nodes.arrayNode(), nodes.textNode("x"),
                CanonicalJson.parseObject("{\"b\":1,\"a\":[true,false,null,{}]}".getBytes(StandardCharsets.UTF_8)))) {
            assertThat(new String(Json.bytes(node), StandardCharsets.UTF_8))
                    .isEqualTo(new String(Json.MAPPER.writeValueAsBytes(node), StandardCharsets.UTF_8));
        }
    }
}
