package dev.starling.mesh.link;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The outer wire format of a link: every Noise message (handshake or transport) is a 2-byte big-endian
 * length followed by that many bytes. The length is checked against the caller's bound before a single
 * byte of the message is allocated or read.
 */
final class MessageIO {
    private MessageIO() {
    }

    /** Reads one message of {@code min..max} bytes; EOF before the length means a clean end (returns null). */
    static byte[] read(DataInputStream in, int min, int max) throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        int second = in.read();
        if (second < 0) {
            throw new EOFException("connection ended inside a length prefix");
        }
        int length = (first << 8) | second;
        if (length > max) {
            throw new FrameException(FrameException.Problem.OVERSIZED,
                    "message of " + length + " bytes exceeds the limit of " + max);
        }
        if (length < min) {
            throw new FrameException(FrameException.Problem.TOO_SHORT,
                    "message of " + length + " bytes is shorter than " + min);
        }
        byte[] message = new byte[length];
        in.readFully(message);
        return message;
    }

    static void write(OutputStream out, byte[] message) throws IOException {
        if (message.length > NoiseXX.MAX_MESSAGE) {
            throw new IllegalArgumentException("a Noise message is at most 65535 bytes");
        }
        out.write(message.length >>> 8);
        out.write(message.length & 0xff);
        out.write(message);
        out.flush();
    }

    /** Wraps a stream so that reads past the end fail fast (for fuzzing the reader over byte arrays). */
    static DataInputStream data(InputStream in) {
        return in instanceof DataInputStream d ? d : new DataInputStream(in);
    }
}
