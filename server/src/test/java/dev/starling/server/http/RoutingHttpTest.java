package dev.starling.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Routing over real HTTP: templates, parameter decoding, 404/405, OPTIONS and CORS. */
class RoutingHttpTest {
    private static final AtomicInteger CALLS = new AtomicInteger();
    private static TestServer server;

    @BeforeAll
    static void start() {
        MatrixHandler echoParams = request -> {
            CALLS.incrementAndGet();
            return MatrixResponse.ok(Map.of("params", request.pathParams(), "virtual", Thread.currentThread().isVirtual()));
        };
        server = TestServer.start(List.of(
                Route.put("/_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}", echoParams)
                        .access(Access.PUBLIC),
                Route.get("/_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey?}", echoParams)
                        .access(Access.PUBLIC),
                Route.get("/_matrix/client/v3/profile/{userId}/{field}", r -> MatrixResponse.ok(Map.of("which", "field")))
                        .access(Access.PUBLIC),
                Route.get("/_matrix/client/v3/profile/{userId}/displayname", r -> MatrixResponse.ok(Map.of("which", "displayname")))
                        .access(Access.PUBLIC),
                Route.get("/_matrix/client/v3/search", r -> MatrixResponse.ok(Map.of(
                        "server_name", r.queryParams("server_name"),
                        "q", r.queryParam("q").orElse("-"))))
                        .access(Access.PUBLIC)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void pathParametersAreDecodedOnceAndAnEncodedSlashStaysInItsParameter() {
        TestServer.Reply reply = server.send("PUT",
                "/_matrix/client/v3/rooms/%21abc%3Aexample.org/send/m.room.message/txn%2F1%252F", "{}");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("params").path("roomId").asText()).isEqualTo("!abc:example.org");
        assertThat(reply.json().path("params").path("eventType").asText()).isEqualTo("m.room.message");
        // %2F is a slash inside txnId; %25 decodes to a literal %, not decoded a second time.
        assertThat(reply.json().path("params").path("txnId").asText()).isEqualTo("txn/1%2F");
    }

    @Test
    void aPlusSignInAPathParameterIsAPlusSign() {
        TestServer.Reply reply = server.send("PUT", "/_matrix/client/v3/rooms/a+b/send/t/1", "{}");
        assertThat(reply.json().path("params").path("roomId").asText()).isEqualTo("a+b");
    }

    @Test
    void anOptionalLastParameterMatchesEmptyWithOrWithoutTheTrailingSlash() {
        for (String path : List.of("/_matrix/client/v3/rooms/!r:x/state/m.room.name",
                "/_matrix/client/v3/rooms/!r:x/state/m.room.name/")) {
            TestServer.Reply reply = server.get(path);
            assertThat(reply.status()).as(path).isEqualTo(200);
            assertThat(reply.json().path("params").path("stateKey").asText()).isEmpty();
        }
        TestServer.Reply keyed = server.get("/_matrix/client/v3/rooms/!r:x/state/m.room.member/%40a%3Ax%2Fy");
        assertThat(keyed.json().path("params").path("stateKey").asText()).isEqualTo("@a:x/y");
    }

    @Test
    void aRequiredParameterDoesNotMatchAnEmptySegment() {
        TestServer.Reply reply = server.send("PUT", "/_matrix/client/v3/rooms//send/m.room.message/1", "{}");
        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.errcode()).isEqualTo("M_UNRECOGNIZED");
    }

    @Test
    void aLiteralSegmentWinsOverAParameter() {
        assertThat(server.get("/_matrix/client/v3/profile/@a:x/displayname").json().path("which").asText())
                .isEqualTo("displayname");
        assertThat(server.get("/_matrix/client/v3/profile/@a:x/avatar_url").json().path("which").asText())
                .isEqualTo("field");
    }

    @Test
    void legacyR0PathsAreServedAsTheirV3Equivalents() {
        // matrix-nio 0.20 (Debian) sends every request under /_matrix/client/r0 (spec r0.6.1, renamed v3 in v1.1).
        TestServer.Reply reply = server.send("PUT",
                "/_matrix/client/r0/rooms/%21abc%3Aexample.org/send/m.room.message/t1", "{}");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("params").path("roomId").asText()).isEqualTo("!abc:example.org");
        assertThat(server.get("/_matrix/client/r0/profile/@a:x/displayname").json().path("which").asText())
                .isEqualTo("displayname");
        assertThat(server.send("POST", "/_matrix/client/r0/search", "{}").status()).isEqualTo(405);
        // Only the exact r0 prefix is an alias; other versions and look-alikes stay unknown.
        for (String path : List.of("/_matrix/client/r1/search", "/_matrix/client/r0search", "/_matrix/client/R0/search",
                "/x/_matrix/client/r0/search")) {
            assertThat(server.get(path).status()).as(path).isEqualTo(404);
        }
        assertThat(Router.withCurrentPrefix("/_matrix/media/r0/download/a/b")).isEqualTo("/_matrix/media/v3/download/a/b");
        assertThat(Router.withCurrentPrefix("/_matrix/client/v1/media/config")).isEqualTo("/_matrix/client/v1/media/config");
    }

    @Test
    void queryParametersAreDecodedAndMayRepeat() {
        TestServer.Reply reply = server.get("/_matrix/client/v3/search?server_name=a.org&q=hello+w%C3%B6rld&server_name=b%2Eorg");
        assertThat(reply.json().path("server_name").toString()).isEqualTo("[\"a.org\",\"b.org\"]");
        assertThat(reply.json().path("q").asText()).isEqualTo("hello wörld");
    }

    @Test
    void badPercentEncodingInTheQueryIsInvalidParam() {
        TestServer.Reply reply = server.get("/_matrix/client/v3/search?q=%FF");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.errcode()).isEqualTo("M_INVALID_PARAM");
    }

    @Test
    void anUnknownPathIs404Unrecognized() {
        TestServer.Reply reply = server.get("/_matrix/client/v3/no/such/endpoint");
        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.errcode()).isEqualTo("M_UNRECOGNIZED");
        assertThat(reply.json().path("error").isTextual()).isTrue();
        assertThat(reply.header("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(reply.header("Access-Control-Allow-Origin")).contains("*");
    }

    @Test
    void aKnownPathWithAnotherMethodIs405UnrecognizedWithAllow() {
        TestServer.Reply reply = server.send("POST", "/_matrix/client/v3/rooms/!r:x/state/m.room.name/", "{}");
        assertThat(reply.status()).isEqualTo(405);
        assertThat(reply.errcode()).isEqualTo("M_UNRECOGNIZED");
        assertThat(reply.header("Allow")).contains("GET, OPTIONS");
    }

    @Test
    void aMethodNoRouteHasIs405OnAKnownPath() {
        TestServer.Reply reply = server.send("PATCH", "/_matrix/client/v3/search", "{}");
        assertThat(reply.status()).isEqualTo(405);
        assertThat(reply.errcode()).isEqualTo("M_UNRECOGNIZED");
    }

    @Test
    void optionsIsAnsweredOnAnyPathWithCorsHeadersAndRunsNoHandler() {
        int before = CALLS.get();
        for (String path : List.of("/_matrix/client/v3/rooms/!r:x/send/m.room.message/1", "/anything/at/all")) {
            TestServer.Reply reply = server.send("OPTIONS", path, null,
                    "Origin", "https://app.element.io", "Access-Control-Request-Method", "PUT");
            assertThat(reply.status()).as(path).isEqualTo(204);
            assertCors(reply);
        }
        assertThat(CALLS.get()).isEqualTo(before);
    }

    @Test
    void everyResponseCarriesCorsHeaders() {
        assertCors(server.send("PUT", "/_matrix/client/v3/rooms/!r:x/send/t/1", "{}"));
        assertCors(server.get("/nope"));
        assertCors(server.send("DELETE", "/_matrix/client/v3/search", null));
    }

    @Test
    void handlersRunOnVirtualThreads() {
        TestServer.Reply reply = server.send("PUT", "/_matrix/client/v3/rooms/!r:x/send/t/2", "{}");
        assertThat(reply.json().path("virtual").asBoolean()).isTrue();
    }

    @Test
    void anUndecodablePathIsAJsonErrorNotAnHtmlPage() throws Exception {
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.write("GET /_matrix/client/v3/rooms/%ZZ/state/x HTTP/1.1\r\nHost: localhost\r\n\r\n");
            String response = raw.readResponse();
            assertThat(response).startsWith("HTTP/1.1 400");
            assertThat(response).containsIgnoringCase("Content-Type: application/json");
            assertThat(response).containsIgnoringCase("Access-Control-Allow-Origin: *");
            assertThat(response).contains("\"errcode\":\"M_UNKNOWN\"");
        }
    }

    static void assertCors(TestServer.Reply reply) {
        assertThat(reply.header("Access-Control-Allow-Origin")).contains("*");
        assertThat(reply.header("Access-Control-Allow-Methods")).contains("GET, POST, PUT, DELETE, OPTIONS");
        assertThat(reply.header("Access-Control-Allow-Headers"))
                .contains("X-Requested-With, Content-Type, Authorization");
    }
}
