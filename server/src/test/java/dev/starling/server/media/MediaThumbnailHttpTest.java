package dev.starling.server.media;

import static dev.starling.server.rooms.RoomClient.register;
import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.server.TestHomeServer;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/**
 * Thumbnails through the real homeserver, on every database: crop and scale sizes, never upscaled, cached,
 * only allow-listed image formats, and a pixel cap checked from the header before decoding.
 */
class MediaThumbnailHttpTest {
    private static final String THUMBNAIL = "/_matrix/client/v1/media/thumbnail/example.org/";

    static byte[] image(String format, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.BLUE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.ORANGE);
        g.fillOval(width / 4, height / 4, width / 2, height / 2);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            assertThat(ImageIO.write(image, format, out)).isTrue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static BufferedImage decode(byte[] bytes) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            assertThat(image).as("a decodable image").isNotNull();
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A valid PNG of a few dozen bytes whose header declares {@code width}×{@code height}: decoding it would
     * allocate width×height pixels (a decompression bomb); reading its header costs nothing.
     */
    static byte[] pngDeclaring(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    @OnEveryDatabase
    void cropFillsTheBoxAndScaleFitsInsideIt(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            MediaClient media = new MediaClient(server);
            String alice = register(server, "alice");
            String id = media.uploadId(image("png", 800, 600), "image/png", "photo.png", alice);

            MediaClient.Reply crop = media.get(THUMBNAIL + id + "?width=32&height=32&method=crop", alice);
            assertThat(crop.status()).isEqualTo(200);
            assertThat(crop.header("Content-Type")).contains("image/png");
            assertThat(crop.header("Content-Disposition")).contains("inline; filename=thumbnail.png");
            BufferedImage cropped = decode(crop.body());
            assertThat(cropped.getWidth()).isEqualTo(32);
            assertThat(cropped.getHeight()).isEqualTo(32);

            BufferedImage wide = decode(media.get(THUMBNAIL + id + "?width=96&height=32&method=crop", alice).body());
            assertThat(List.of(wide.getWidth(), wide.getHeight())).containsExactly(96, 32);

            // Scale keeps the 4:3 aspect inside the box.
            BufferedImage scaled = decode(media.get(THUMBNAIL + id + "?width=320&height=320&method=scale", alice).body());
            assertThat(List.of(scaled.getWidth(), scaled.getHeight())).containsExactly(320, 240);
            // Scale is the default method.
            BufferedImage byDefault = decode(media.get(THUMBNAIL + id + "?width=100&height=300", alice).body());
            assertThat(List.of(byDefault.getWidth(), byDefault.getHeight())).containsExactly(100, 75);
            // The deprecated unauthenticated path and r0 serve the same.
            MediaClient.Reply legacy = media.get("/_matrix/media/r0/thumbnail/example.org/" + id
                    + "?width=32&height=32&method=crop", null);
            assertThat(legacy.status()).isEqualTo(200);
            assertThat(legacy.body()).isEqualTo(crop.body());
        }
    }

    @OnEveryDatabase
    void aSourceSmallerThanTheBoxIsServedAsItIsNeverUpscaled(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            MediaClient media = new MediaClient(server);
            String alice = register(server, "alice");
            byte[] small = image("png", 40, 30);
            String id = media.uploadId(small, "image/png", null, alice);
            MediaClient.Reply scale = media.get(THUMBNAIL + id + "?width=320&height=240&method=scale", alice);
            assertThat(scale.status()).isEqualTo(200);
            assertThat(scale.body()).isEqualTo(small);
            assertThat(media.get(THUMBNAIL + id + "?width=96&height=96&method=crop", alice).body()).isEqualTo(small);
            // Cropping to 32x32 still cuts without enlarging.
            BufferedImage cut = decode(media.get(THUMBNAIL + id + "?width=32&height=32&method=crop", alice).body());
            assertThat(List.of(cut.getWidth(), cut.getHeight())).containsExactly(32, 30);
        }
    }

    @OnEveryDatabase
    void jpegGivesJpegAndGifGivesPng(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            MediaClient media = new MediaClient(server);
            String alice = register(server, "alice");
            String jpeg = media.uploadId(image("jpeg", 640, 480), "image/jpeg", null, alice);
            MediaClient.Reply jpegThumb = media.get(THUMBNAIL + jpeg + "?width=96&height=96&method=crop", alice);
            assertThat(jpegThumb.header("Content-Type")).contains("image/jpeg");
            assertThat(List.of(decode(jpegThumb.body()).getWidth(), decode(jpegThumb.body()).getHeight()))
                    .containsExactly(96, 96);
            String gif = media.uploadId(image("gif", 300, 300), "image/gif", null, alice);
            MediaClient.Reply gifThumb = media.get(THUMBNAIL + gif + "?width=32&height=32&method=scale", alice);
            assertThat(gifThumb.header("Content-Type")).contains("image/png");
            assertThat(decode(gifThumb.body()).getWidth()).isEqualTo(32);
        }
    }

    @OnEveryDatabase
    void aThumbnailIsRenderedOnceThenServedFromTheCache(Backend backend) throws Exception {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            MediaClient media = new MediaClient(server);
            String alice = register(server, "alice");
            byte[] png = image("png", 800, 600);
            String id = media.uploadId(png, "image/png", null, alice);
            String copy = media.uploadId(png, "image/png", null, alice);

            byte[] first = media.get(THUMBNAIL + id + "?width=96&height=96&method=crop", alice).body();
            List<Path> cached = media.files("thumbnails");
            assertThat(cached).hasSize(1);
            FileTime old = FileTime.fromMillis(1_000_000L);
            Files.setLastModifiedTime(cached.get(0), old);

            byte[] second = media.get(THUMBNAIL + id + "?width=96&height=96&method=crop", alice).body();
            // Same content under another media ID: the cache is by content hash.
            byte[] third = media.get(THUMBNAIL + copy + "?width=96&height=96&method=crop", alice).body();
            assertThat(second).isEqualTo(first);
            assertThat(third).isEqualTo(first);
            assertThat(media.files("thumbnails")).hasSize(1);
            assertThat(Files.getLastModifiedTime(cached.get(0))).isEqualTo(old);

            media.get(THUMBNAIL + id + "?width=320&height=240&method=scale", alice);
            assertThat(media.files("thumbnails")).hasSize(2);
        }
    }

    @OnEveryDatabase
    void anImageDeclaringMorePixelsThanTheCapIsRefusedBeforeDecoding(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            MediaClient media = new MediaClient(server);
            String alice = register(server, "alice");
            byte[] bomb = pngDeclaring(100_000, 100_000);
            assertThat(bomb.length).isLessThan(100);
            String id = media.uploadId(bomb, "image/png", null, alice);
            MediaClient.Reply reply = media.get(THUMBNAIL + id + "?width=32&height=32&method=crop", alice);
            assertThat(reply.status()).isEqualTo(413);
            assertThat(reply.errcode()).isEqualTo("M_TOO_LARGE");
            assertThat(media.files("thumbnails")).isEmpty();
            // The file itself still downloads: only thumbnailing is refused.
            assertThat(media.get("/_matrix/client/v1/media/download/example.org/" + id, alice).body()).isEqualTo(bomb);
        }
    }

    @OnEveryDatabase
    void contentThatIsNotAnAllowedImageHasNoThumbnail(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            MediaClient media = new MediaClient(server);
            String alice = register(server, "alice");
            String text = media.uploadId("hello".getBytes(StandardCharsets.UTF_8), "text/plain", null, alice);
            String lying = media.uploadId("not a png at all".getBytes(StandardCharsets.UTF_8), "image/png", null, alice);
            String jpegAsPng = media.uploadId(image("jpeg", 100, 100), "image/png", null, alice);
            String bmp = media.uploadId(image("bmp", 100, 100), "image/bmp", null, alice);
            String svg = media.uploadId("<svg xmlns='http://www.w3.org/2000/svg'/>".getBytes(StandardCharsets.UTF_8),
                    "image/svg+xml", null, alice);
            byte[] truncated = java.util.Arrays.copyOf(image("png", 400, 400), 200);
            String broken = media.uploadId(truncated, "image/png", null, alice);
            for (String id : List.of(text, lying, jpegAsPng, bmp, svg, broken)) {
                MediaClient.Reply reply = media.get(THUMBNAIL + id + "?width=32&height=32&method=crop", alice);
                assertThat(reply.status()).as(id).isEqualTo(400);
                assertThat(reply.errcode()).as(id).isEqualTo("M_UNKNOWN");
            }
            assertThat(media.files("thumbnails")).isEmpty();
        }
    }

    @OnEveryDatabase
    void badThumbnailParameters(Backend backend) {
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of())) {
            MediaClient media = new MediaClient(server);
            String alice = register(server, "alice");
            String id = media.uploadId(image("png", 100, 100), "image/png", null, alice);
            for (String query : List.of("?width=0&height=32", "?width=-5&height=32", "?width=abc&height=32",
                    "?width=1.5&height=32", "?width=32&height=99999999999", "?width=32&height=32&method=stretch")) {
                MediaClient.Reply reply = media.get(THUMBNAIL + id + query, alice);
                assertThat(reply.status()).as(query).isEqualTo(400);
                assertThat(reply.errcode()).as(query).isEqualTo("M_INVALID_PARAM");
            }
            MediaClient.Reply missing = media.get(THUMBNAIL + id + "?width=32", alice);
            assertThat(missing.status()).isEqualTo(400);
            assertThat(missing.errcode()).isEqualTo("M_MISSING_PARAM");
            assertThat(media.get(THUMBNAIL + "NoSuchMedia?width=32&height=32", alice).status()).isEqualTo(404);
        }
    }
}
