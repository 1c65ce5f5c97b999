package dev.starling.server.media;

import static dev.starling.server.rooms.RoomClient.register;
import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.server.TestHomeServer;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Uploads through the real homeserver, on every database: byte-identical round trips, one file per content,
 * uploads to created media IDs, and the size limit enforced while the body streams in (SECURITY.md item 22).
 */
class MediaUploadHttpTest {
    private static final String DOWNLOAD = "/_matrix/media/v3/download/example.org/";
    private static final String AUTHED_DOWNLOAD = "/_matrix/client/v1/media/download/example.org/";

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    @OnEveryDatabase
    void aMultiMegabyteUploadDownloadsByteIdenticalOnEveryPath(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            MediaClient media = new MediaClient(server);
            String alice = register(server, "alice");
            byte[] file = randomBytes(5 * 1024 * 1024 + 7, 1);

            MediaClient.Reply upload = media.upload(file, "application/pdf", "War and Peace.pdf", alice);
            assertThat(upload.status()).isEqualTo(200);
            String uri = upload.json().path("content_uri").asText();
            assertThat(uri).matches("mxc://example\\.org/[A-Za-z0-9_-]+");
            String id = uri.substring("mxc://example.org/".length());

            for (String path : List.of(DOWNLOAD + id, "/_matrix/media/r0/download/example.org/" + id,
                    "/_matrix/media/r0/download/example.org/" + id + "/", DOWNLOAD + id + "/other.pdf")) {
                MediaClient.Reply download = media.get(path, null);
                assertThat(download.status()).as(path).isEqualTo(200);
                assertThat(Arrays.equals(download.body(), file)).as(path).isTrue();
                assertThat(download.header("Content-Length")).contains(Long.toString(file.length));
            }
            MediaClient.Reply authed = media.get(AUTHED_DOWNLOAD + id, alice);
            assertThat(authed.status()).isEqualTo(200);
            assertThat(Arrays.equals(authed.body(), file)).isTrue();
            assertThat(server.queryLong("SELECT size_bytes FROM media WHERE media_id = '" + id + "'"))
                    .isEqualTo(file.length);
            assertThat(media.files("content")).hasSize(1);
            assertThat(media.files("tmp")).isEmpty();
        }
    }

    @OnEveryDatabase
    void identicalUploadsGetTheirOwnMediaIdsButShareOneFile(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            MediaClient media = new MediaClient(server);
            String alice = register(server, "alice");
            String bob = register(server, "bob");
            byte[] file = randomBytes(100_000, 2);

            String first = media.uploadId(file, "image/png", "a.png", alice);
            String second = media.uploadId(file, "application/octet-stream", "b.bin", bob);
            media.uploadId(randomBytes(10, 3), "text/plain", null, bob);

            assertThat(first).isNotEqualTo(second);
            assertThat(media.files("content")).hasSize(2);
            assertThat(server.queryLong("SELECT COUNT(*) FROM media")).isEqualTo(3);
            assertThat(server.queryLong("SELECT COUNT(DISTINCT sha256) FROM media")).isEqualTo(2);
            // Each media ID keeps its own metadata.
            assertThat(media.get(DOWNLOAD + first, null).header("Content-Type")).contains("image/png");
            assertThat(media.get(DOWNLOAD + second, null).header("Content-Disposition"))
                    .contains("attachment; filename=b.bin");
        }
    }

    @OnEveryDatabase
    void anUploadWithoutContentTypeIsOctetStreamAndAnEmptyFileIsFine(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            MediaClient media = new MediaClient(server);
            String alice = register(server, "alice");
            String id = media.uploadId(new byte[0], null, null, alice);
            MediaClient.Reply download = media.get(DOWNLOAD + id, null);
            assertThat(download.status()).isEqualTo(200);
            assertThat(download.body()).isEmpty();
            assertThat(download.header("Content-Type")).contains("application/octet-stream");
            assertThat(download.header("Content-Disposition")).contains("attachment");
        }
    }

    @OnEveryDatabase
    void uploadsNeedAnAccessToken(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            MediaClient media = new MediaClient(server);
            MediaClient.Reply reply = media.upload(new byte[] {1, 2, 3}, "text/plain", null, null);
            assertThat(reply.status()).isEqualTo(401);
            assertThat(reply.errcode()).isEqualTo("M_MISSING_TOKEN");
            assertThat(media.send("POST", "/_matrix/media/v1/create", null, null).status()).isEqualTo(401);
            assertThat(server.queryLong("SELECT COUNT(*) FROM media")).isZero();
            assertThat(media.files("content")).isEmpty();
        }
    }

    @OnEveryDatabase
    void createThenPutUploadsToTheCreatedId(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            MediaClient media = new MediaClient(server);
            String alice = register(server, "alice");
            String bob = register(server, "bob");

            MediaClient.Reply created = media.send("POST", "/_matrix/media/v1/create", null, alice);
            assertThat(created.status()).isEqualTo(200);
            String id = created.json().path("content_uri").asText().substring("mxc://example.org/".length());
            assertThat(created.json().path("unused_expires_at").asLong()).isGreaterThan(System.currentTimeMillis());

            MediaClient.Reply pending = media.get(DOWNLOAD + id + "?timeout_ms=0", null);
            assertThat(pending.status()).isEqualTo(504);
            assertThat(pending.errcode()).isEqualTo("M_NOT_YET_UPLOADED");

            String put = "/_matrix/media/v3/upload/example.org/" + id + "?filename=notes.txt";
            MediaClient.Reply stranger = media.send("PUT", put, "bob's".getBytes(StandardCharsets.UTF_8), bob,
                    "Content-Type", "text/plain");
            assertThat(stranger.status()).isEqualTo(403);
            assertThat(stranger.errcode()).isEqualTo("M_FORBIDDEN");

            byte[] text = "hello media".getBytes(StandardCharsets.UTF_8);
            MediaClient.Reply uploaded = media.send("PUT", put, text, alice, "Content-Type", "text/plain");
            assertThat(uploaded.status()).isEqualTo(200);
            assertThat(uploaded.json().isObject()).isTrue();

            MediaClient.Reply again = media.send("PUT", put, text, alice, "Content-Type", "text/plain");
            assertThat(again.status()).isEqualTo(409);
            assertThat(again.errcode()).isEqualTo("M_CANNOT_OVERWRITE_MEDIA");

            MediaClient.Reply download = media.get(AUTHED_DOWNLOAD + id, bob);
            assertThat(download.status()).isEqualTo(200);
            assertThat(download.body()).isEqualTo(text);
            assertThat(download.header("Content-Disposition")).contains("inline; filename=notes.txt");

            MediaClient.Reply unknown = media.send("PUT", "/_matrix/media/v3/upload/example.org/NoSuchMedia", text,
                    alice, "Content-Type", "text/plain");
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.errcode()).isEqualTo("M_NOT_FOUND");
            MediaClient.Reply remote = media.send("PUT", "/_matrix/media/v3/upload/other.org/" + id, text, alice,
                    "Content-Type", "text/plain");
            assertThat(remote.status()).isEqualTo(404);
            assertThat(media.files("content")).hasSize(1);
        }
    }

    @OnEveryDatabase
    void aWaitingDownloadGetsTheContentWhenItArrives(Backend backend) throws Exception {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            MediaClient media = new MediaClient(server);
            String alice = register(server, "alice");
            String id = media.send("POST", "/_matrix/media/v1/create", null, alice).json().path("content_uri")
                    .asText().substring("mxc://example.org/".length());
            var waiting = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> media.get(AUTHED_DOWNLOAD + id + "?timeout_ms=10000", alice));
            Thread.sleep(300);
            media.send("PUT", "/_matrix/media/v3/upload/example.org/" + id, new byte[] {42}, alice,
                    "Content-Type", "application/octet-stream");
            MediaClient.Reply download = waiting.get(15, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(download.status()).isEqualTo(200);
            assertThat(download.body()).containsExactly(42);
        }
    }

    @OnEveryDatabase
    void pendingMediaIdsPerUserAreLimited(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            MediaClient media = new MediaClient(server);
            String alice = register(server, "alice");
            for (int i = 0; i < MediaRepository.MAX_PENDING_PER_USER; i++) {
                assertThat(media.send("POST", "/_matrix/media/v1/create", null, alice).status()).isEqualTo(200);
            }
            MediaClient.Reply refused = media.send("POST", "/_matrix/media/v1/create", null, alice);
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.errcode()).isEqualTo("M_LIMIT_EXCEEDED");
        }
    }

    @OnEveryDatabase
    void aChunkedBodyPastTheLimitIsCutOffWhileStreamingAndNothingIsStored(Backend backend) throws Exception {
        int limit = 256 * 1024;
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of(), limit)) {
            MediaClient media = new MediaClient(server);
            String alice = register(server, "alice");
            byte[] piece = randomBytes(64 * 1024, 4);
            // 4 pieces reach the limit exactly; the fifth passes it. The body is never terminated, so the server
            // must answer from what it has read, without waiting for an end that never comes.
            String response = media.raw("POST /_matrix/media/v3/upload?filename=big.bin HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + alice + "\r\nContent-Type: application/octet-stream\r\n"
                    + "Transfer-Encoding: chunked",
                    MediaClient.chunk(piece), MediaClient.chunk(piece), MediaClient.chunk(piece),
                    MediaClient.chunk(piece), MediaClient.chunk(piece));
            assertThat(response).startsWith("HTTP/1.1 413");
            assertThat(response).contains("\"errcode\":\"M_TOO_LARGE\"");
            assertThat(server.queryLong("SELECT COUNT(*) FROM media")).isZero();
            assertThat(media.files("content")).isEmpty();
            assertThat(media.files("tmp")).isEmpty();

            // Exactly at the limit is accepted.
            byte[] atLimit = randomBytes(limit, 5);
            String id = media.uploadId(atLimit, "application/octet-stream", null, alice);
            assertThat(media.get(DOWNLOAD + id, null).body()).isEqualTo(atLimit);
            assertThat(media.get("/_matrix/client/v1/media/config", alice).json().path("m.upload.size").asLong())
                    .isEqualTo(limit);
        }
    }

    @OnEveryDatabase
    void aDeclaredLengthPastTheLimitIsRefusedBeforeTheBody(Backend backend) throws Exception {
        int limit = 1024;
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of(), limit)) {
            MediaClient media = new MediaClient(server);
            String alice = register(server, "alice");
            String response = media.raw("POST /_matrix/media/v3/upload HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + alice + "\r\nContent-Length: 1073741824");
            assertThat(response).startsWith("HTTP/1.1 413");
            MediaClient.Reply put = media.upload(new byte[limit + 1], "text/plain", null, alice);
            assertThat(put.status()).isEqualTo(413);
            assertThat(put.errcode()).isEqualTo("M_TOO_LARGE");
            assertThat(server.queryLong("SELECT COUNT(*) FROM media")).isZero();
            assertThat(media.files("content")).isEmpty();
            assertThat(media.files("tmp")).isEmpty();
        }
    }
}
