package dev.starling.server.media;

import dev.starling.server.http.ErrorCode;
import dev.starling.server.http.MatrixException;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

/**
 * Renders thumbnails with the JDK's ImageIO (no native code) — Client-Server API § Thumbnails. The image's
 * dimensions are read from its header first, and an image above the pixel cap is refused before a single
 * pixel is decoded (decompression bombs, SECURITY.md item 22): 413 M_TOO_LARGE, as the spec says for content
 * too large to thumbnail. Big images are decoded subsampled, so memory follows the thumbnail's size, and at
 * most {@link #CONCURRENT_RENDERS} renders run at once. Never upscales.
 */
final class Thumbnailer {
    /** Synapse's default {@code max_image_pixels}: 32 megapixels. */
    static final long DEFAULT_MAX_PIXELS = 32_000_000L;
    static final int CONCURRENT_RENDERS = 2;
    private static final float JPEG_QUALITY = 0.8f;

    private final long maxPixels;
    private final Semaphore renders = new Semaphore(CONCURRENT_RENDERS);

    static {
        // A server draws into memory only: never let AWT look for a display (a desktop's DISPLAY would do).
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        ImageIO.setUseCache(false); // decode in memory: no ImageIO temp files
    }

    Thumbnailer(long maxPixels) {
        this.maxPixels = maxPixels;
    }

    /** What to answer: the original bytes (it is already small enough), or a thumbnail of this size. */
    sealed interface Plan {
        record Original() implements Plan {}

        record Render(int width, int height) implements Plan {}
    }

    /**
     * The plan for a thumbnail of {@code source} in the requested box, from the image's header only.
     *
     * @throws MatrixException 413 M_TOO_LARGE above the pixel cap; 400 M_UNKNOWN if it is not a readable image
     *     of {@code format}
     */
    Plan plan(Path source, ThumbnailFormat format, int width, int height, ThumbnailMethod method) {
        int[] size = withReader(source, format, reader -> new int[] {reader.getWidth(0), reader.getHeight(0)});
        return plan(size[0], size[1], width, height, method);
    }

    static Plan plan(int sourceWidth, int sourceHeight, int width, int height, ThumbnailMethod method) {
        return switch (method) {
            case SCALE -> {
                if (sourceWidth <= width && sourceHeight <= height) {
                    yield new Plan.Original();
                }
                // The largest size with the source's aspect that fits in the box (Synapse's Thumbnailer.aspect).
                if ((long) width * sourceHeight < (long) height * sourceWidth) {
                    yield new Plan.Render(width, (int) Math.max(1, (long) width * sourceHeight / sourceWidth));
                }
                yield new Plan.Render((int) Math.max(1, (long) height * sourceWidth / sourceHeight), height);
            }
            case CROP -> {
                int w = Math.min(width, sourceWidth);
                int h = Math.min(height, sourceHeight);
                yield w == sourceWidth && h == sourceHeight ? new Plan.Original() : new Plan.Render(w, h);
            }
        };
    }

    /**
     * Renders {@code source} at {@code width}×{@code height} (from {@link #plan}) and encodes it in the
     * format's thumbnail format.
     */
    byte[] render(Path source, ThumbnailFormat format, int width, int height, ThumbnailMethod method) {
        renders.acquireUninterruptibly();
        try {
            BufferedImage decoded = withReader(source, format, reader -> {
                int sw = reader.getWidth(0);
                int sh = reader.getHeight(0);
                // Decode every k-th pixel when the thumbnail is far smaller: k keeps at least twice the
                // resolution the thumbnail needs.
                double scale = method == ThumbnailMethod.CROP
                        ? Math.max((double) width / sw, (double) height / sh)
                        : Math.min((double) width / sw, (double) height / sh);
                int k = Math.max(1, (int) Math.floor(1 / (2 * Math.min(1.0, scale))));
                ImageReadParam param = reader.getDefaultReadParam();
                param.setSourceSubsampling(k, k, 0, 0);
                return reader.read(0, param);
            });
            BufferedImage thumbnail = method == ThumbnailMethod.CROP
                    ? crop(decoded, width, height)
                    : resize(decoded, width, height, format.output());
            return encode(thumbnail, format.output());
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a thumbnail in memory", e);
        } finally {
            renders.release();
        }
    }

    private static BufferedImage crop(BufferedImage image, int width, int height) {
        int sw = image.getWidth();
        int sh = image.getHeight();
        double scale = Math.min(1.0, Math.max((double) width / sw, (double) height / sh));
        int scaledWidth = Math.max(width, (int) Math.round(sw * scale));
        int scaledHeight = Math.max(height, (int) Math.round(sh * scale));
        BufferedImage scaled = scaledWidth == sw && scaledHeight == sh
                ? image : resize(image, scaledWidth, scaledHeight, ThumbnailFormat.PNG);
        int x = (scaledWidth - width) / 2;
        int y = (scaledHeight - height) / 2;
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(scaled, -x, -y, null);
        g.dispose();
        return out;
    }

    /** Scales down in halving steps (bilinear each), which keeps quality without a slow filter. */
    private static BufferedImage resize(BufferedImage image, int width, int height, ThumbnailFormat output) {
        BufferedImage current = image;
        int w = image.getWidth();
        int h = image.getHeight();
        do {
            w = Math.max(width, w / 2);
            h = Math.max(height, h / 2);
            if (w < width * 2 && h < height * 2) {
                w = width;
                h = height;
            }
            BufferedImage next = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
            Graphics2D g = next.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(current, 0, 0, w, h, null);
            g.dispose();
            current = next;
        } while (w != width || h != height);
        return current;
    }

    private static byte[] encode(BufferedImage image, ThumbnailFormat output) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (output == ThumbnailFormat.JPEG) {
            // JPEG has no alpha: flatten onto white.
            BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
            Graphics2D g = rgb.createGraphics();
            g.setColor(java.awt.Color.WHITE);
            g.fillRect(0, 0, rgb.getWidth(), rgb.getHeight());
            g.drawImage(image, 0, 0, null);
            g.dispose();
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
                writer.setOutput(out);
                ImageWriteParam param = writer.getDefaultWriteParam();
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(JPEG_QUALITY);
                writer.write(null, new IIOImage(rgb, null, null), param);
            } finally {
                writer.dispose();
            }
        } else if (!ImageIO.write(image, "png", bytes)) {
            throw new IOException("no PNG writer");
        }
        return bytes.toByteArray();
    }

    private interface ReaderWork<T> {
        T apply(ImageReader reader) throws IOException;
    }

    /**
     * Runs {@code work} with the JDK reader of {@code format} on {@code source}, after checking that the bytes
     * really are that format and that the header's size is within the pixel cap.
     */
    private <T> T withReader(Path source, ThumbnailFormat format, ReaderWork<T> work) {
        try (ImageInputStream in = ImageIO.createImageInputStream(source.toFile())) {
            if (in == null) {
                throw new IOException("no image input stream");
            }
            ImageReader reader = reader(format, in).orElseThrow(() -> notAnImage());
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > maxPixels) {
                    throw new MatrixException(ErrorCode.M_TOO_LARGE, "the image is too large to thumbnail");
                }
                if (pixels <= 0) {
                    throw notAnImage();
                }
                return work.apply(reader);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof MatrixException matrix) {
                throw matrix;
            }
            // A truncated, corrupt or lying file: the decoders throw all sorts (IIOException, IndexOutOfBounds...).
            throw notAnImage();
        }
    }

    private static Optional<ImageReader> reader(ThumbnailFormat format, ImageInputStream in) throws IOException {
        for (Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName(format.imageIoName()); it.hasNext(); ) {
            ImageReader reader = it.next();
            // Only the JDK's own readers, and only if the bytes start like this format (not just the label).
            if (reader.getClass().getName().startsWith("com.sun.imageio.")
                    && reader.getOriginatingProvider().canDecodeInput(in)) {
                return Optional.of(reader);
            }
            reader.dispose();
        }
        return Optional.empty();
    }

    static MatrixException notAnImage() {
        return new MatrixException(ErrorCode.M_UNKNOWN, "cannot generate a thumbnail for this content");
    }
}
