package dev.starling.loadgen;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The cheap client: one HTTP/1.1 keep-alive connection over a plain blocking socket (used from a virtual
 * thread), requests written as prebuilt bytes, the answer parsed just enough: the status line, {@code
 * Content-Length} (the server always sends one; a chunked answer is an error here) and {@code Connection:
 * close}. The body stays in the connection's buffer until the next exchange. Not thread-safe: one request at a
 * time.
 */
final class RawConnection implements AutoCloseable {
    private static final byte[] EVENT_ID = "\"event_id\":\"$".getBytes(StandardCharsets.US_ASCII);

    private final String host;
    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private boolean used;
    private byte[] buffer = new byte[8192];
    private int status;
    private int bodyStart;
    private int bodyLength;

    RawConnection(String baseUrl) {
        URI uri = URI.create(baseUrl);
        this.host = uri.getHost();
        this.port = uri.getPort();
    }

    /** {@code Host: ...} as it goes into a request. */
    String hostHeader() {
        return host + ":" + port;
    }

    /**
     * Writes {@code request[0, length)} and reads the whole answer; returns its status. A connection the
     * server had closed while idle (on a reused connection, an error writing or an end or reset before the first
     * byte of the answer) is reopened and the request written once more: every request this tool makes is idempotent (a send repeats
     * its transaction ID, so the server answers with the same event).
     */
    int exchange(byte[] request, int length) throws IOException {
        boolean retry = used;
        while (true) {
            try {
                if (socket == null) {
                    open();
                }
                try {
                    out.write(request, 0, length);
                    out.flush();
                } catch (IOException e) {
                    if (retry) {
                        throw new StaleConnection();
                    }
                    throw e;
                }
                used = true;
                return readAnswer(retry);
            } catch (StaleConnection stale) {
                close();
                retry = false;
            } catch (IOException e) {
                close();
                throw e;
            }
        }
    }

    int status() {
        return status;
    }

    /** The answer's body (valid until the next exchange). */
    byte[] buffer() {
        return buffer;
    }

    int bodyStart() {
        return bodyStart;
    }

    int bodyLength() {
        return bodyLength;
    }

    /** Whether the body holds {@code "event_id":"$} (the answer to a send that created an event). */
    boolean bodyHasEventId() {
        return indexOf(buffer, bodyStart, bodyStart + bodyLength, EVENT_ID) >= 0;
    }

    String bodyText() {
        return new String(buffer, bodyStart, bodyLength, StandardCharsets.UTF_8);
    }

    private void open() throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(host, port), 10_000);
        socket = s;
        in = s.getInputStream();
        out = s.getOutputStream();
        used = false;
    }

    private int readAnswer(boolean mayBeStale) throws IOException {
        int filled = 0;
        int headerEnd;
        while ((headerEnd = headerEnd(buffer, filled)) < 0) {
            if (filled == buffer.length) {
                buffer = Arrays.copyOf(buffer, buffer.length * 2);
            }
            int n;
            try {
                n = in.read(buffer, filled, buffer.length - filled);
            } catch (IOException e) {
                if (filled == 0 && mayBeStale) {
                    throw new StaleConnection(); // e.g. reset: the server had closed it
                }
                throw e;
            }
            if (n < 0) {
                if (filled == 0 && mayBeStale) {
                    throw new StaleConnection();
                }
                throw new EOFException("connection closed after " + filled + " bytes of an answer");
            }
            filled += n;
        }
        if (filled < 12 || buffer[0] != 'H' || buffer[8] != ' ') {
            throw new IOException("not an HTTP/1.1 status line");
        }
        status = (buffer[9] - '0') * 100 + (buffer[10] - '0') * 10 + (buffer[11] - '0');
        long contentLength = -1;
        boolean closeAfter = false;
        int line = lineEnd(buffer, 0, headerEnd) + 2;
        while (line < headerEnd) {
            int end = lineEnd(buffer, line, headerEnd);
            int colon = line;
            while (colon < end && buffer[colon] != ':') {
                colon++;
            }
            if (named(buffer, line, colon, "content-length")) {
                contentLength = Long.parseLong(new String(buffer, colon + 1, end - colon - 1, StandardCharsets.US_ASCII).trim());
            } else if (named(buffer, line, colon, "connection")) {
                closeAfter = new String(buffer, colon + 1, end - colon - 1, StandardCharsets.US_ASCII).trim()
                        .equalsIgnoreCase("close");
            } else if (named(buffer, line, colon, "transfer-encoding")) {
                throw new IOException("a chunked answer; this client reads only Content-Length bodies");
            }
            line = end + 2;
        }
        if (contentLength < 0) {
            throw new IOException("an answer without Content-Length");
        }
        bodyStart = headerEnd + 4;
        bodyLength = Math.toIntExact(contentLength);
        int needed = bodyStart + bodyLength;
        if (needed > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(needed, buffer.length * 2));
        }
        while (filled < needed) {
            int n = in.read(buffer, filled, needed - filled);
            if (n < 0) {
                throw new EOFException("connection closed in the body");
            }
            filled += n;
        }
        if (filled > needed) {
            throw new IOException("bytes after the answer (nothing was pipelined)");
        }
        if (closeAfter) {
            close();
        }
        return status;
    }

    /** The index of the {@code \r\n\r\n} ending the header in {@code b[0, filled)}, or -1. */
    private static int headerEnd(byte[] b, int filled) {
        for (int i = 0; i + 3 < filled; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int lineEnd(byte[] b, int from, int limit) {
        for (int i = from; i < limit; i++) {
            if (b[i] == '\r') {
                return i;
            }
        }
        return limit;
    }

    private static boolean named(byte[] b, int from, int to, String lowerName) {
        if (to - from != lowerName.length()) {
            return false;
        }
        for (int i = 0; i < lowerName.length(); i++) {
            if (Character.toLowerCase((char) b[from + i]) != lowerName.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    static int indexOf(byte[] b, int from, int to, byte[] needle) {
        outer:
        for (int i = from; i + needle.length <= to; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (b[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        socket = null;
        in = null;
        out = null;
    }

    /** A reused connection the server had already closed. */
    private static final class StaleConnection extends IOException {
        StaleConnection() {
            super("stale keep-alive connection");
        }
    }
}
