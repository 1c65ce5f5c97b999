package dev.starling.server.http;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * A response body that is not JSON (media downloads and thumbnails): its content type, its exact length, and
 * the code that writes it, called once after the status and headers are sent. The writer streams (a file is
 * copied, never loaded whole); an exception from it aborts the response, as the status is already sent.
 *
 * @param contentType the {@code Content-Type} header
 * @param length the {@code Content-Length}: exactly the number of bytes {@code writer} writes
 * @param writer writes the bytes
 */
public record BinaryBody(String contentType, long length, Writer writer) {
    /** Writes a body to the response. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    public BinaryBody {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(writer, "writer");
        if (length < 0) {
            throw new IllegalArgumentException("a body length is not negative, got " + length);
        }
    }

    /** A body of bytes already in memory. */
    public static BinaryBody of(String contentType, byte[] bytes) {
        byte[] copy = bytes.clone();
        return new BinaryBody(contentType, copy.length, out -> out.write(copy));
    }
}
