package dev.starling.server.media;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starling.server.TestHomeServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** Media requests with binary bodies against a {@link TestHomeServer}, and a look at its media folder. */
final class MediaClient {
    static final String UPLOAD = "/_matrix/media/v3/upload";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final TestHomeServer server;

    MediaClient(TestHomeServer server) {
        this.server = server;
    }

    /** A response with its raw bytes. */
    record Reply(int status, byte[] body, Map<String, List<String>> headers) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + new String(body, StandardCharsets.UTF_8), e);
            }
        }

        String errcode() {
            return json().path("errcode").asText(null);
        }

        Optional<String> header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream())
                    .findFirst();
        }
    }

    Reply send(String method, String path, byte[] body, String token, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        try {
            HttpResponse<byte[]> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(response.statusCode(), response.body(), response.headers().map());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Reply get(String path, String token) {
        return send("GET", path, null, token);
    }

    /** POST /upload; returns the reply (200 with content_uri, or an error). */
    Reply upload(byte[] bytes, String contentType, String filename, String token) {
        String path = UPLOAD + (filename == null ? "" : "?filename=" + java.net.URLEncoder.encode(filename,
                StandardCharsets.UTF_8).replace("+", "%20"));
        return contentType == null ? send("POST", path, bytes, token)
                : send("POST", path, bytes, token, "Content-Type", contentType);
    }

    /** Uploads and returns the media ID of the answered {@code mxc://example.org/<id>}. */
    String uploadId(byte[] bytes, String contentType, String filename, String token) {
        Reply reply = upload(bytes, contentType, filename, token);
        if (reply.status() != 200) {
            throw new AssertionError("upload failed: " + reply.status() + " " + new String(reply.body(), StandardCharsets.UTF_8));
        }
        String uri = reply.json().path("content_uri").asText();
        String prefix = "mxc://" + TestHomeServer.SERVER_NAME.value() + "/";
        if (!uri.startsWith(prefix)) {
            throw new AssertionError("unexpected content_uri " + uri);
        }
        return uri.substring(prefix.length());
    }

    /** Every regular file under {@code <data_dir>/media/<folder>}. */
    List<Path> files(String folder) {
        Path dir = server.dataDir().resolve("media").resolve(folder);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends {@code head} (request line and headers, no blank line) and then {@code body} raw on a socket, and
     * returns the response head and body as text. For chunked bodies and bodies that never end.
     */
    String raw(String head, byte[]... bodyParts) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write((head + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            try {
                for (byte[] part : bodyParts) {
                    out.write(part);
                }
                out.flush();
            } catch (IOException serverClosedEarly) {
                // The server may answer and close before everything is sent: that is the point.
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            try {
                while ((n = in.read(buffer)) > 0) {
                    response.write(buffer, 0, n);
                    String text = response.toString(StandardCharsets.ISO_8859_1);
                    if (complete(text)) {
                        break;
                    }
                }
            } catch (IOException reset) {
                // Connection reset after the answer: keep what was read.
            }
            return response.toString(StandardCharsets.UTF_8);
        }
    }

    private static boolean complete(String text) {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        for (String line : text.substring(0, end).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                int length = Integer.parseInt(line.substring("content-length:".length()).strip());
                return text.length() - end - 4 >= length;
            }
        }
        return false;
    }

    /** The size of a chunk in chunked transfer encoding, then the chunk. */
    static byte[] chunk(byte[] data) {
        byte[] head = (Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[head.length + data.length + 2];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(data, 0, out, head.length, data.length);
        out[out.length - 2] = '\r';
        out[out.length - 1] = '\n';
        return out;
    }
}
