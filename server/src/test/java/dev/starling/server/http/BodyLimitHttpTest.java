package dev.starling.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Body limits are enforced while streaming: 413 M_TOO_LARGE without reading the whole body. */
class BodyLimitHttpTest {
    private static final int DEFAULT_LIMIT = 4096;
    private static final int SMALL_LIMIT = 1024;
    private static final AtomicInteger HANDLED = new AtomicInteger();
    private static TestServer server;

    @BeforeAll
    static void start() {
        MatrixHandler size = r -> {
            HANDLED.incrementAndGet();
            return MatrixResponse.ok(java.util.Map.of("size", r.body().length));
        };
        server = TestServer.start(HttpServerConfig.ephemeral().withMaxJsonBodyBytes(DEFAULT_LIMIT),
                TestServer.AUTHENTICATOR, List.of(
                        Route.post("/default", size).access(Access.PUBLIC),
                        Route.post("/small", size).access(Access.PUBLIC).maxBodyBytes(SMALL_LIMIT)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aBodyAtTheLimitIsAccepted() {
        assertThat(server.sendBytes("POST", "/small", new byte[SMALL_LIMIT]).json().path("size").asInt())
                .isEqualTo(SMALL_LIMIT);
        assertThat(server.sendBytes("POST", "/default", new byte[DEFAULT_LIMIT]).status()).isEqualTo(200);
    }

    @Test
    void aBodyOneByteOverTheRouteLimitIsTooLarge() {
        TestServer.Reply reply = server.sendBytes("POST", "/small", new byte[SMALL_LIMIT + 1]);
        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.errcode()).isEqualTo("M_TOO_LARGE");
    }

    @Test
    void routesWithoutTheirOwnLimitUseTheServerDefault() {
        assertThat(server.sendBytes("POST", "/default", new byte[DEFAULT_LIMIT + 1]).status()).isEqualTo(413);
    }

    @Test
    void aHugeDeclaredLengthIsRefusedBeforeTheBodyIsSentAndTheHandlerNeverRuns() throws Exception {
        int before = HANDLED.get();
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.write("POST /small HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 104857600\r\n\r\n");
            // Not one byte of the announced 100 MiB is sent: the answer must come anyway.
            String response = raw.readResponse();
            assertThat(response).startsWith("HTTP/1.1 413");
            assertThat(response).contains("\"errcode\":\"M_TOO_LARGE\"");
        }
        assertThat(HANDLED.get()).isEqualTo(before);
    }

    @Test
    void aChunkedBodyIsCutOffAsSoonAsItPassesTheLimit() throws Exception {
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.write("POST /small HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n");
            // Two chunks reach the limit exactly, one more byte passes it; nothing more is written, so the
            // server has read everything it was sent when it answers.
            byte[] chunk = new byte[SMALL_LIMIT / 2];
            Arrays.fill(chunk, (byte) 'x');
            for (byte[] part : List.of(chunk, chunk, new byte[] {'x'})) {
                raw.write(Integer.toHexString(part.length) + "\r\n");
                raw.write(part);
                raw.write("\r\n");
            }
            // The body is never terminated: the server must answer from what it has seen.
            String response = raw.readResponse();
            assertThat(response).startsWith("HTTP/1.1 413");
            assertThat(response).contains("\"errcode\":\"M_TOO_LARGE\"");
        }
    }

    @Test
    void aChunkedBodyWithinTheLimitIsRead() throws Exception {
        try (RawHttp raw = new RawHttp(server.port())) {
            byte[] chunk = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
            raw.write("POST /small HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n");
            raw.write(Integer.toHexString(chunk.length) + "\r\n");
            raw.write(chunk);
            raw.write("\r\n0\r\n\r\n");
            String response = raw.readResponse();
            assertThat(response).startsWith("HTTP/1.1 200");
            assertThat(response).contains("\"size\":7");
        }
    }
}
