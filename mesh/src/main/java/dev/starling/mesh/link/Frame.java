package dev.starling.mesh.link;

import java.util.Arrays;

/**
 * One link frame, the plaintext of one Noise transport message: {@code type (1 byte) || body}. DATA carries
 * up to {@link #MAX_BODY} bytes, KEEPALIVE is empty, CLOSE carries exactly one reason byte. Validated when
 * built, so a frame that exists is well formed. Immutable.
 */
public record Frame(FrameType type, byte[] body) {
    /** A Noise message is at most 65535 bytes: 16 of them are the tag and 1 the type byte. */
    public static final int MAX_BODY = 65535 - 16 - 1;

    public Frame {
        if (type == null || body == null) {
            throw new IllegalArgumentException("frame type and body are required");
        }
        if (body.length > MAX_BODY) {
            throw new IllegalArgumentException("frame body of " + body.length + " bytes exceeds " + MAX_BODY);
        }
        if (type == FrameType.KEEPALIVE && body.length != 0) {
            throw new IllegalArgumentException("a keepalive frame is empty");
        }
        if (type == FrameType.CLOSE && body.length != 1) {
            throw new IllegalArgumentException("a close frame carries one reason byte");
        }
        body = body.clone();
    }

    public static Frame data(byte[] body) {
        return new Frame(FrameType.DATA, body);
    }

    public static Frame keepalive() {
        return new Frame(FrameType.KEEPALIVE, new byte[0]);
    }

    public static Frame close(CloseReason reason) {
        return new Frame(FrameType.CLOSE, new byte[] {(byte) reason.code()});
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The plaintext encoding: type byte then body. */
    public byte[] encode() {
        byte[] out = new byte[1 + body.length];
        out[0] = (byte) type.code();
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }

    /** Parses a decrypted transport message; refuses empty input, unknown types and malformed bodies. */
    public static Frame decode(byte[] plaintext) throws FrameException {
        if (plaintext.length == 0) {
            throw new FrameException(FrameException.Problem.TOO_SHORT, "empty frame");
        }
        if (plaintext.length - 1 > MAX_BODY) {
            throw new FrameException(FrameException.Problem.OVERSIZED, "frame body exceeds " + MAX_BODY);
        }
        FrameType type = FrameType.fromCode(plaintext[0] & 0xff).orElseThrow(() -> new FrameException(
                FrameException.Problem.UNKNOWN_TYPE, "unknown frame type " + (plaintext[0] & 0xff)));
        byte[] body = Arrays.copyOfRange(plaintext, 1, plaintext.length);
        try {
            return new Frame(type, body);
        } catch (IllegalArgumentException e) {
            throw new FrameException(FrameException.Problem.MALFORMED, e.getMessage());
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Frame that && type == that.type && Arrays.equals(body, that.body);
    }

    @Override
    public int hashCode() {
        return 31 * type.hashCode() + Arrays.hashCode(body);
    }

    /** Shows the type and length only, never the content. */
    @Override
    public String toString() {
        return "Frame[" + type + ", " + body.length + " bytes]";
    }
}
