package dev.starling.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The request body, read once on first use, never more than the route's limit: a declared
 * {@code Content-Length} above the limit is refused before reading a byte, and a chunked body is refused as
 * soon as it passes the limit (SECURITY.md item 22: limits enforced while streaming). Whatever the handler
 * did not read is left to Jetty, which closes the connection rather than drain a huge body.
 */
final class RequestBody {
    private static final int CHUNK = 8192;

    private final Supplier<InputStream> source;
    private final long declaredLength; // -1 when not declared (chunked)
    private final long maxBytes;
    private byte[] bytes;

    RequestBody(Supplier<InputStream> source, long declaredLength, long maxBytes) {
        this.source = source;
        this.declaredLength = declaredLength;
        // A body read into memory fits in an array; bigger uploads (media) will stream instead.
        this.maxBytes = Math.min(maxBytes, Integer.MAX_VALUE - 16);
    }

    long maxBytes() {
        return maxBytes;
    }

    /** Refuses a declared length above the limit without reading anything. */
    void checkDeclaredLength() {
        if (declaredLength > maxBytes) {
            throw MatrixException.tooLarge(maxBytes);
        }
    }

    synchronized byte[] read() {
        if (bytes == null) {
            checkDeclaredLength();
            bytes = readBounded();
        }
        return bytes;
    }

    private byte[] readBounded() {
        int initial = (int) Math.min(declaredLength >= 0 ? declaredLength : CHUNK, maxBytes);
        byte[] buffer = new byte[Math.max(initial, 16)];
        int size = 0;
        try (InputStream in = source.get()) {
            while (true) {
                if (size == buffer.length) {
                    if (size >= maxBytes) {
                        // Full at the limit: one more byte means too large.
                        if (in.read() < 0) {
                            break;
                        }
                        throw MatrixException.tooLarge(maxBytes);
                    }
                    buffer = Arrays.copyOf(buffer, (int) Math.min(maxBytes, (long) size * 2));
                }
                int n = in.read(buffer, size, buffer.length - size);
                if (n < 0) {
                    break;
                }
                size += n;
            }
        } catch (IOException e) {
            // The client went away or sent a broken body: its fault, not a server error.
            throw new MatrixException(ErrorCode.M_UNKNOWN, "could not read the request body");
        }
        return size == buffer.length ? buffer : Arrays.copyOf(buffer, size);
    }
}
