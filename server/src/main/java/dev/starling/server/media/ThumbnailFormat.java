package dev.starling.server.media;

import java.util.Locale;
import java.util.Optional;

/**
 * The image formats thumbnails are made from: an allow-list (SECURITY.md item 22), since every decoder
 * allowed here is code an attacker's file reaches. Decoded by the JDK's own ImageIO readers, no native code.
 * JPEG thumbnails are JPEG; PNG and GIF ones are PNG (first frame).
 */
enum ThumbnailFormat {
    PNG("image/png", "png", "png"),
    JPEG("image/jpeg", "jpeg", "jpg"),
    GIF("image/gif", "gif", "gif");

    private final String contentType;
    private final String imageIoName;
    private final String extension;

    ThumbnailFormat(String contentType, String imageIoName, String extension) {
        this.contentType = contentType;
        this.imageIoName = imageIoName;
        this.extension = extension;
    }

    /** The format of an uploaded content type (parameters ignored), if thumbnails are made from it. */
    static Optional<ThumbnailFormat> ofContentType(String contentType) {
        String base = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        for (ThumbnailFormat format : values()) {
            if (format.contentType.equals(base)) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }

    String contentType() {
        return contentType;
    }

    /** The ImageIO format name of the reader for this input format. */
    String imageIoName() {
        return imageIoName;
    }

    /** The thumbnail's own format. */
    ThumbnailFormat output() {
        return this == JPEG ? JPEG : PNG;
    }

    String extension() {
        return extension;
    }
}
