package dev.starling.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Streamed request bodies ({@link MatrixRequest#bodyStream()}) within a route's limit beyond the JSON default,
 * and binary responses ({@link MatrixResponse#binary}) with their own content type and headers.
 */
class StreamingBodyHttpTest {
    private static final int LIMIT = 64 * 1024;
    private static final AtomicLong LAST_READ = new AtomicLong();
    private static TestServer server;

    @BeforeAll
    static void start() {
        MatrixHandler count = r -> {
            long n = 0;
            try (InputStream in = r.bodyStream()) {
                byte[] buffer = new byte[1000];
                for (int read; (read = in.read(buffer)) >= 0; ) {
                    n += read;
                    LAST_READ.set(n);
                }
            }
            return MatrixResponse.ok(Map.of("size", n));
        };
        MatrixHandler binary = r -> MatrixResponse.binary(
                BinaryBody.of("image/png", "not really a png".getBytes(StandardCharsets.UTF_8)))
                .withHeader("X-Content-Type-Options", "nosniff");
        server = TestServer.start(HttpServerConfig.ephemeral().withMaxJsonBodyBytes(1024), TestServer.AUTHENTICATOR,
                List.of(Route.post("/stream", count).access(Access.PUBLIC).maxBodyBytes(LIMIT),
                        Route.get("/binary", binary).access(Access.PUBLIC)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aStreamedBodyMayExceedTheJsonDefaultUpToTheRouteLimit() throws IOException {
        TestServer.Reply reply = server.sendBytes("POST", "/stream", new byte[LIMIT]);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("size").asLong()).isEqualTo(LIMIT);
        // One byte more is refused on its declared length, before the body: sent over a raw socket that writes
        // no body, because a client still writing the body may see the connection reset instead of the 413.
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.write("POST /stream HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + (LIMIT + 1) + "\r\n\r\n");
            assertThat(raw.readResponse()).startsWith("HTTP/1.1 413").contains("\"errcode\":\"M_TOO_LARGE\"");
        }
    }

    @Test
    void aChunkedStreamIsCutOffOneByteAfterTheLimit() throws IOException {
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.write("POST /stream HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n");
            byte[] chunk = new byte[LIMIT / 2];
            Arrays.fill(chunk, (byte) 'x');
            for (byte[] part : List.of(chunk, chunk, new byte[] {'x'})) {
                raw.write(Integer.toHexString(part.length) + "\r\n");
                raw.write(part);
                raw.write("\r\n");
            }
            String response = raw.readResponse();
            assertThat(response).startsWith("HTTP/1.1 413");
            assertThat(response).contains("\"errcode\":\"M_TOO_LARGE\"");
        }
        // The handler saw at most the limit: the byte past it was refused, not handed over.
        assertThat(LAST_READ.get()).isLessThanOrEqualTo(LIMIT);
    }

    @Test
    void aBinaryResponseHasItsContentTypeLengthAndHeaders() {
        TestServer.Reply reply = server.get("/binary");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo("not really a png");
        assertThat(reply.header("Content-Type")).contains("image/png");
        assertThat(reply.header("Content-Length")).contains("16");
        assertThat(reply.header("X-Content-Type-Options")).contains("nosniff");
        assertThat(reply.header("Access-Control-Allow-Origin")).contains("*");
    }
}
