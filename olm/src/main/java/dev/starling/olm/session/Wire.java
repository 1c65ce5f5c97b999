package dev.starling.olm.session;

import dev.starling.protocol.crypto.Base64s;
import java.io.ByteArrayOutputStream;

/** libolm's protobuf-like field encoding: one tag byte, varint values, varint-length-prefixed bytes. */
final class Wire {
    private Wire() {
    }

    static void varint(ByteArrayOutputStream out, long value) {
        while (value >= 0x80) {
            out.write((int) (value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.write((int) value);
    }

    static void bytes(ByteArrayOutputStream out, int tag, byte[] value) {
        out.write(tag);
        varint(out, value.length);
        out.writeBytes(value);
    }

    /** A cursor over {@code [pos, end)}. */
    static final class Reader {
        private final byte[] data;
        private int pos;
        private final int end;

        Reader(byte[] data, int pos, int end) {
            this.data = data;
            this.pos = pos;
            this.end = end;
        }

        boolean done() {
            return pos >= end;
        }

        int tag() {
            return data[pos++] & 0xFF;
        }

        /** A varint of at most 32 bits (libolm's counters and lengths are 32-bit). */
        long varint() {
            long value = 0;
            for (int shift = 0; shift < 35; shift += 7) {
                if (pos >= end) {
                    throw new OlmException(OlmException.Problem.TRUNCATED, "the message ends inside a varint");
                }
                int b = data[pos++] & 0xFF;
                value |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    if (value > 0xFFFFFFFFL) {
                        throw new OlmException(OlmException.Problem.MALFORMED, "a varint exceeds 32 bits");
                    }
                    return value;
                }
            }
            throw new OlmException(OlmException.Problem.MALFORMED, "a varint exceeds 32 bits");
        }

        byte[] lengthDelimited() {
            long length = varint();
            if (length > end - pos) {
                throw new OlmException(OlmException.Problem.TRUNCATED, "a field is longer than the rest of the message");
            }
            byte[] out = new byte[(int) length];
            System.arraycopy(data, pos, out, 0, out.length);
            pos += out.length;
            return out;
        }

        /** Skips an unknown field of wire type 0 (varint) or 2 (bytes), as libolm does; refuses other types. */
        void skip(int tag) {
            switch (tag & 7) {
                case 0 -> varint();
                case 2 -> lengthDelimited();
                default -> throw new OlmException(OlmException.Problem.MALFORMED,
                        "a field has unsupported wire type " + (tag & 7));
            }
        }
    }

    static void requireKey(byte[] key, String what) {
        if (key.length != 32) {
            throw new OlmException(OlmException.Problem.WRONG_KEY_LENGTH, what + " is " + key.length
                    + " bytes, expected 32");
        }
    }

    /** Decodes a base64 Curve25519 public key of exactly 32 bytes. */
    static byte[] decodeKey(String base64, String what) {
        if (base64 == null) {
            throw new OlmException(OlmException.Problem.WRONG_KEY_LENGTH, what + " is missing");
        }
        byte[] key;
        try {
            key = Base64s.decode(base64);
        } catch (IllegalArgumentException e) {
            throw new OlmException(OlmException.Problem.MALFORMED_BASE64, what + " is not unpadded base64");
        }
        requireKey(key, what);
        return key;
    }

    /** Decodes a message body, refusing bodies over {@code maxBytes} before decoding. */
    static byte[] decodeBody(String base64, int maxBytes) {
        if (base64 == null) {
            throw new OlmException(OlmException.Problem.TRUNCATED, "the message body is missing");
        }
        if (base64.length() > (maxBytes + 2) / 3 * 4) {
            throw new OlmException(OlmException.Problem.TOO_LONG, "the message is longer than " + maxBytes + " bytes");
        }
        try {
            return Base64s.decode(base64);
        } catch (IllegalArgumentException e) {
            throw new OlmException(OlmException.Problem.MALFORMED_BASE64, "the message is not unpadded base64");
        }
    }
}
