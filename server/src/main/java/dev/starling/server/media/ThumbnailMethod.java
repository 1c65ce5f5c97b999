package dev.starling.server.media;

import dev.starling.server.http.MatrixException;
import java.util.Optional;

/** Client-Server API § Thumbnails: the two resizing methods. */
enum ThumbnailMethod {
    /** Fill the requested box exactly, keeping the aspect ratio, cutting what overflows. */
    CROP("crop"),
    /** Fit inside the requested box, keeping the aspect ratio (the spec's default). */
    SCALE("scale");

    private final String wireName;

    ThumbnailMethod(String wireName) {
        this.wireName = wireName;
    }

    String wireName() {
        return wireName;
    }

    /** The {@code method} query parameter; absent is {@code scale}, anything else 400 M_INVALID_PARAM. */
    static ThumbnailMethod parse(Optional<String> value) {
        if (value.isEmpty()) {
            return SCALE;
        }
        for (ThumbnailMethod method : values()) {
            if (method.wireName.equals(value.get())) {
                return method;
            }
        }
        throw MatrixException.invalidParam("method", "must be crop or scale");
    }
}
