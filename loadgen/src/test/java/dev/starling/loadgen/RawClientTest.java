package dev.starling.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The cheap client's pieces: request bytes, answer reading, the sync scan. */
class RawClientTest {
    @Test
    void sendRequestIsValidHttpWithExactContentLengthAndTheSendTime() throws Exception {
        Population population = new Population(new Client("http://127.0.0.1:8008"),
                List.of(new Client.User("@u0:loadgen.test", "tok0"), new Client.User("@u1:loadgen.test", "tok1")),
                List.of("!r0:loadgen.test", "!r1:loadgen.test"), 0);
        Sender.Templates templates = Sender.Templates.of(population, "b123");
        byte[] into = new byte[templates.maxLength];
        int length = templates.write(1, 42, 9_876_543_210L, into);
        String request = new String(into, 0, length, StandardCharsets.UTF_8);

        assertThat(request).startsWith("PUT /_matrix/client/v3/rooms/%21r1%3Aloadgen.test/send/m.room.message/b123-42"
                + " HTTP/1.1\r\nHost: 127.0.0.1:8008\r\nAuthorization: Bearer tok1\r\n");
        String body = request.substring(request.indexOf("\r\n\r\n") + 4);
        assertThat(request).contains("\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n");
        JsonNode json = Client.JSON.readTree(body);
        assertThat(json.path(Population.RUN_KEY).asText()).isEqualTo("b123");
        assertThat(json.path(Population.SENT_KEY).asLong()).isEqualTo(9_876_543_210L);
        assertThat(json.path("msgtype").asText()).isEqualTo("m.text");
        // A shorter send time (fewer digits) gives a shorter, still exact, Content-Length.
        int shorter = templates.write(1, 7, 5, into);
        String small = new String(into, 0, shorter, StandardCharsets.UTF_8);
        String smallBody = small.substring(small.indexOf("\r\n\r\n") + 4);
        assertThat(small).contains("\r\nContent-Length: " + smallBody.length() + "\r\n");
        assertThat(Client.JSON.readTree(smallBody).path(Population.SENT_KEY).asLong()).isEqualTo(5);
    }

    @Test
    void syncScanReadsOnlyTimelineEventsOfTheRun() throws Exception {
        String sync = """
                {"next_batch":"s9_1","account_data":{"next_batch":"not this"},
                 "rooms":{"join":{
                   "!a:x":{"state":{"events":[{"content":{"loadgen_run":"r1","loadgen_ns":1}}]},
                           "timeline":{"limited":true,"events":[
                             {"type":"m.room.message","content":{"loadgen_ns":2,"body":"x","loadgen_run":"r1"}},
                             {"type":"m.room.message","content":{"loadgen_run":"r0","loadgen_ns":3}},
                             {"type":"m.room.message","content":{"loadgen_run":"r1","m.relates_to":{"loadgen_ns":99},"loadgen_ns":4}}
                           ]}},
                   "!b:x":{"timeline":{"limited":false,"events":[{"content":{"loadgen_run":"r1","loadgen_ns":5}}]}}},
                  "leave":{"!c:x":{"timeline":{"events":[{"content":{"loadgen_run":"r1","loadgen_ns":6}}]}}}}}
                """;
        byte[] bytes = ("xx" + sync).getBytes(StandardCharsets.UTF_8);
        List<Long> sent = new ArrayList<>();

        SyncScan.Result result = SyncScan.scan(bytes, 2, bytes.length - 2, "r1", sent::add);

        assertThat(sent).containsExactly(2L, 4L, 5L);
        assertThat(result.nextBatch()).isEqualTo("s9_1");
        assertThat(result.limitedTimelines()).isEqualTo(1);
    }

    @Test
    void connectionReadsContentLengthAnswersAndReopensOneTheServerClosed() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        try (ServerSocket server = new ServerSocket(0)) {
            Thread.ofVirtual().start(() -> {
                // Each accepted connection answers one request, then is closed (as an idle timeout would).
                while (!server.isClosed()) {
                    try (Socket s = server.accept()) {
                        requests.add(readRequest(s.getInputStream()));
                        byte[] body = "{\"event_id\":\"$abc\"}".getBytes(StandardCharsets.UTF_8);
                        OutputStream out = s.getOutputStream();
                        out.write(("HTTP/1.1 200 OK\r\ncontent-length: " + body.length + "\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                        out.write(body);
                        out.flush();
                        s.getInputStream().read(); // wait for the client to close or reuse, then drop it
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            try (RawConnection connection = new RawConnection("http://127.0.0.1:" + server.getLocalPort())) {
                byte[] request = "GET /x HTTP/1.1\r\nHost: h\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
                assertThat(connection.exchange(request, request.length)).isEqualTo(200);
                assertThat(connection.bodyHasEventId()).isTrue();
                assertThat(connection.bodyText()).isEqualTo("{\"event_id\":\"$abc\"}");
                // The server dropped the first connection after its answer; the second exchange reopens.
                assertThat(connection.exchange(request, request.length)).isEqualTo(200);
                assertThat(connection.bodyHasEventId()).isTrue();
            }
        }
        assertThat(requests).hasSize(2).allMatch(r -> r.startsWith("GET /x HTTP/1.1"));
    }

    @Test
    void chunkedOrLengthlessAnswersAreErrorsAndNoEventIdIsNotAcknowledged() throws Exception {
        for (String answer : List.of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")) {
            try (ServerSocket server = new ServerSocket(0)) {
                Thread.ofVirtual().start(() -> {
                    try (Socket s = server.accept()) {
                        readRequest(s.getInputStream());
                        s.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
                        s.getOutputStream().flush();
                        s.getInputStream().read();
                    } catch (IOException ignored) {
                        // the test ends
                    }
                });
                try (RawConnection connection = new RawConnection("http://127.0.0.1:" + server.getLocalPort())) {
                    byte[] request = "GET / HTTP/1.1\r\nHost: h\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
                    if (answer.contains("chunked")) {
                        assertThatThrownBy(() -> connection.exchange(request, request.length))
                                .isInstanceOf(IOException.class).hasMessageContaining("chunked");
                    } else {
                        assertThat(connection.exchange(request, request.length)).isEqualTo(200);
                        assertThat(connection.bodyHasEventId()).isFalse();
                    }
                }
            }
        }
    }

    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        while (!seen.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed");
            }
            seen.write(b);
        }
        return seen.toString(StandardCharsets.US_ASCII);
    }
}
