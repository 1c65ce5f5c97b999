package dev.starling.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Request bodies are JSON objects, parsed strictly (spec § API Standards; SECURITY.md items 2, 3). */
class JsonBodyHttpTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(List.of(
                Route.post("/echo", r -> MatrixResponse.ok(r.jsonBody())).access(Access.PUBLIC),
                Route.post("/lenient", r -> MatrixResponse.ok(r.jsonBodyOrEmpty())).access(Access.PUBLIC)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aJsonObjectReachesTheHandler() {
        TestServer.Reply reply = server.send("POST", "/echo", "{\"msgtype\":\"m.text\",\"body\":\"hé 😀\"}");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("body").asText()).isEqualTo("hé 😀");
    }

    @Test
    void textThatIsNotJsonIsNotJson() {
        assertError(server.send("POST", "/echo", "{\"a\": "), 400, "M_NOT_JSON");
        assertError(server.send("POST", "/echo", "hello"), 400, "M_NOT_JSON");
    }

    @Test
    void bytesThatAreNotUtf8AreNotJson() {
        byte[] latin1 = {'{', '"', 'a', '"', ':', '"', (byte) 0xE9, '"', '}'};
        assertError(server.sendBytes("POST", "/echo", latin1), 400, "M_NOT_JSON");
    }

    @Test
    void anEmptyBodyIsNotJsonUnlessTheEndpointAllowsIt() {
        assertError(server.send("POST", "/echo", ""), 400, "M_NOT_JSON");
        TestServer.Reply lenient = server.send("POST", "/lenient", "");
        assertThat(lenient.status()).isEqualTo(200);
        assertThat(lenient.body()).isEqualTo("{}");
    }

    @Test
    void aDuplicateKeyIsBadJson() {
        assertError(server.send("POST", "/echo", "{\"apple\":1,\"appl\\u0065\":2}"), 400, "M_BAD_JSON");
    }

    @Test
    void aTopLevelValueThatIsNotAnObjectIsBadJson() {
        assertError(server.send("POST", "/echo", "[1,2]"), 400, "M_BAD_JSON");
        assertError(server.send("POST", "/echo", "\"text\""), 400, "M_BAD_JSON");
        assertError(server.send("POST", "/echo", "null"), 400, "M_BAD_JSON");
    }

    @Test
    void floatsAndUnsafeIntegersAreBadJson() {
        assertError(server.send("POST", "/echo", "{\"n\":1.5}"), 400, "M_BAD_JSON");
        assertError(server.send("POST", "/echo", "{\"n\":9007199254740992}"), 400, "M_BAD_JSON");
    }

    static void assertError(TestServer.Reply reply, int status, String errcode) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.errcode()).as(reply.body()).isEqualTo(errcode);
        assertThat(reply.json().path("error").isTextual()).isTrue();
    }
}
