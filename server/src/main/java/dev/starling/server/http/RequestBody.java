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
    private final long maxStreamedBytes;
    private byte[] bytes;
    private boolean streamed;

    RequestBody(Supplier<InputStream> source, long declaredLength, long maxBytes) {
        this.source = source;
        this.declaredLength = declaredLength;
        // A body read into memory fits in an array; bigger uploads (media) stream instead (see stream()).
        this.maxBytes = Math.min(maxBytes, Integer.MAX_VALUE - 16);
        this.maxStreamedBytes = maxBytes;
    }

    long maxBytes() {
        return maxBytes;
    }

    /** The declared {@code Content-Length}, or -1 for a chunked body. */
    long declaredLength() {
        return declaredLength;
    }

    /** Refuses a declared length above the limit without reading anything. */
    void checkDeclaredLength() {
        if (declaredLength > maxStreamedBytes) {
            throw MatrixException.tooLarge(maxStreamedBytes);
        }
    }

    synchronized byte[] read() {
        if (streamed) {
            throw new IllegalStateException("the body was already taken as a stream");
        }
        if (bytes == null) {
            checkDeclaredLength();
            bytes = readBounded();
        }
        return bytes;
    }

    /**
     * The body as a stream, for bodies too big to hold in memory (media uploads); taken at most once. Reading
     * past the route's limit throws 413 M_TOO_LARGE from {@code read} as soon as the limit is passed, and a
     * body the client breaks off throws 400 M_UNKNOWN: both are {@link MatrixException}s (unchecked), so an
     * {@link IOException} from this stream never comes from the client.
     */
    synchronized InputStream stream() {
        if (streamed || bytes != null) {
            throw new IllegalStateException("the body was already read");
        }
        checkDeclaredLength();
        streamed = true;
        return new BoundedStream(source.get(), maxStreamedBytes);
    }

    /** Counts what passes and refuses the first byte beyond the limit. */
    private static final class BoundedStream extends InputStream {
        private final InputStream in;
        private final long limit;
        private long count;

        BoundedStream(InputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (length == 0) {
                return 0;
            }
            // Ask for at most one byte beyond the limit: that byte is enough to know the body is too large.
            int want = (int) Math.min(length, limit - count + 1);
            int n;
            try {
                n = in.read(buffer, offset, want);
            } catch (IOException e) {
                throw new MatrixException(ErrorCode.M_UNKNOWN, "could not read the request body");
            }
            if (n > 0) {
                count += n;
                if (count > limit) {
                    throw MatrixException.tooLarge(limit);
                }
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
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
