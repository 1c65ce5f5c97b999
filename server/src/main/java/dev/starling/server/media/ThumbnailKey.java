package dev.starling.server.media;

/**
 * A cached thumbnail: the source's hash and the rendered size, method and format. Two requests whose answers
 * are the same image share one entry.
 */
record ThumbnailKey(ContentHash source, int width, int height, ThumbnailMethod method, ThumbnailFormat format) {
    ThumbnailKey {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("a thumbnail has a positive size");
        }
    }

    /** {@code <hash>-<w>x<h>-<method>.<ext>}: made only of validated values. */
    String fileName() {
        return source.hex() + "-" + width + "x" + height + "-" + method.wireName() + "." + format.extension();
    }
}
