package dev.starling.server.media;

import static dev.starling.server.rooms.RoomClient.register;
import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.server.TestHomeServer;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Downloads through the real homeserver, on every database: the authenticated endpoints need a token, bad and
 * traversing media IDs never reach a file, remote media is 404, and the headers keep uploaded HTML from
 * running as a page.
 */
class MediaDownloadHttpTest {
    private static final String V3 = "/_matrix/media/v3/download/example.org/";
    private static final String V1 = "/_matrix/client/v1/media/download/example.org/";

    @OnEveryDatabase
    void authenticatedEndpointsNeedAValidToken(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            MediaClient media = new MediaClient(server);
            String alice = register(server, "alice");
            String id = media.uploadId("hi".getBytes(StandardCharsets.UTF_8), "text/plain", null, alice);
            for (String path : List.of(V1 + id, V1 + id + "/name.txt",
                    "/_matrix/client/v1/media/thumbnail/example.org/" + id + "?width=32&height=32",
                    "/_matrix/client/v1/media/config", "/_matrix/media/v3/config")) {
                MediaClient.Reply none = media.get(path, null);
                assertThat(none.status()).as(path).isEqualTo(401);
                assertThat(none.errcode()).as(path).isEqualTo("M_MISSING_TOKEN");
                MediaClient.Reply wrong = media.get(path, "not_a_token");
                assertThat(wrong.status()).as(path).isEqualTo(401);
                assertThat(wrong.errcode()).as(path).isEqualTo("M_UNKNOWN_TOKEN");
            }
            assertThat(media.get(V1 + id, alice).status()).isEqualTo(200);
            MediaClient.Reply config = media.get("/_matrix/client/v1/media/config", alice);
            assertThat(config.json().path("m.upload.size").asLong()).isEqualTo(50L * 1024 * 1024);
            // The access token in the query string still works (matrix-nio 0.20 sends it there).
            assertThat(media.get("/_matrix/media/r0/config?access_token=" + alice, null).status()).isEqualTo(200);
        }
    }

    @OnEveryDatabase
    void badAndTraversingMediaIdsAreRefusedWithoutReadingAFile(Backend backend) throws Exception {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            MediaClient media = new MediaClient(server);
            String alice = register(server, "alice");
            media.uploadId("secret".getBytes(StandardCharsets.UTF_8), "text/plain", null, alice);
            for (String id : List.of("..", "..%2F..%2F..%2Fetc%2Fpasswd", "%2E%2E", "abc%00", "a%5Cb", "a.b",
                    "a%20b", "%C3%A9t%C3%A9", "..%5C..%5Cwindows", "x".repeat(300))) {
                for (String base : List.of(V3, V1, "/_matrix/client/v1/media/thumbnail/example.org/")) {
                    String path = base + id + (base.contains("thumbnail") ? "?width=32&height=32" : "");
                    MediaClient.Reply reply = media.get(path, alice);
                    assertThat(reply.status()).as(path).isIn(400, 404);
                    // Jetty itself refuses a NUL in a path (400 M_UNKNOWN from the HTTP layer).
                    assertThat(reply.errcode()).as(path)
                            .isIn("M_NOT_FOUND", "M_UNRECOGNIZED", "M_INVALID_PARAM", "M_UNKNOWN");
                }
            }
            // Traversal in the path itself, sent raw so no client normalizes it first.
            for (String path : List.of("/_matrix/media/v3/download/example.org/../../../../etc/passwd",
                    "/_matrix/media/v3/download/example.org/%2e%2e/%2e%2e/etc/passwd",
                    "/_matrix/media/v3/download/..%2F..%2Fetc/passwd",
                    "/_matrix/media/v3/download/example.org/a\\..\\..\\b")) {
                String response = media.raw("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close");
                assertThat(response).as(path).matches("(?s)HTTP/1\\.1 (400|404) .*");
                assertThat(response).as(path).doesNotContain("secret").doesNotContain("root:");
            }
        }
    }

    @OnEveryDatabase
    void remoteAndInvalidServerNames(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            MediaClient media = new MediaClient(server);
            String alice = register(server, "alice");
            String id = media.uploadId(new byte[] {1}, "text/plain", null, alice);
            MediaClient.Reply remote = media.get("/_matrix/media/v3/download/matrix.org/" + id, null);
            assertThat(remote.status()).isEqualTo(404);
            assertThat(remote.errcode()).isEqualTo("M_NOT_FOUND");
            MediaClient.Reply remoteAuthed = media.get("/_matrix/client/v1/media/download/matrix.org/" + id, alice);
            assertThat(remoteAuthed.status()).isEqualTo(404);
            MediaClient.Reply invalid = media.get("/_matrix/media/v3/download/bad%20server/" + id, null);
            assertThat(invalid.status()).isEqualTo(400);
            assertThat(invalid.errcode()).isEqualTo("M_INVALID_PARAM");
            MediaClient.Reply unknown = media.get(V3 + "NoSuchMediaId", null);
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.errcode()).isEqualTo("M_NOT_FOUND");
        }
    }

    @OnEveryDatabase
    void headersServeSafeTypesInlineAndEverythingElseAsASandboxedAttachment(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            MediaClient media = new MediaClient(server);
            String alice = register(server, "alice");
            byte[] html = "<script>alert(1)</script>".getBytes(StandardCharsets.UTF_8);
            String page = media.uploadId(html, "text/html", "page.html", alice);
            MediaClient.Reply reply = media.get(V1 + page, alice);
            assertThat(reply.header("Content-Type")).contains("text/html; charset=UTF-8");
            assertThat(reply.header("Content-Disposition")).contains("attachment; filename=page.html");
            assertThat(reply.header("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                    .startsWith("sandbox; default-src 'none'; script-src 'none';"));
            assertThat(reply.header("X-Content-Type-Options")).contains("nosniff");
            assertThat(reply.header("Cross-Origin-Resource-Policy")).contains("cross-origin");
            assertThat(reply.header("Access-Control-Allow-Origin")).contains("*");

            String svg = media.uploadId("<svg/>".getBytes(StandardCharsets.UTF_8), "image/svg+xml", null, alice);
            MediaClient.Reply svgReply = media.get(V3 + svg, null);
            assertThat(svgReply.header("Content-Disposition")).contains("attachment");

            String png = media.uploadId(new byte[] {1, 2}, "image/png", "cat.png", alice);
            assertThat(media.get(V3 + png, null).header("Content-Disposition")).contains("inline; filename=cat.png");
            assertThat(media.get(V3 + png + "/dog.png", null).header("Content-Disposition"))
                    .contains("inline; filename=dog.png");

            // A name that is not a plain token is RFC 5987-encoded; nothing from it reaches a header raw.
            String odd = media.uploadId(new byte[] {1}, "text/plain", "naïve \"résumé\";\r\nX-Evil: 1.txt", alice);
            MediaClient.Reply oddReply = media.get(V3 + odd, null);
            assertThat(oddReply.header("Content-Disposition")).contains(
                    "inline; filename*=utf-8''na%C3%AFve%20%22r%C3%A9sum%C3%A9%22%3B%0D%0AX-Evil%3A%201.txt");
            assertThat(oddReply.header("X-Evil")).isEmpty();

            // A malformed content type (header injection, garbage) is stored as application/octet-stream.
            String garbage = media.uploadId(new byte[] {1}, "not a type", null, alice);
            assertThat(media.get(V3 + garbage, null).header("Content-Type")).contains("application/octet-stream");
        }
    }

    @OnEveryDatabase
    void aTooLongFilenameIsRefused(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            MediaClient media = new MediaClient(server);
            String alice = register(server, "alice");
            MediaClient.Reply reply = media.upload(new byte[] {1}, "text/plain", "n".repeat(256), alice);
            assertThat(reply.status()).isEqualTo(400);
            assertThat(reply.errcode()).isEqualTo("M_INVALID_PARAM");
            assertThat(server.queryLong("SELECT COUNT(*) FROM media")).isZero();
        }
    }
}
