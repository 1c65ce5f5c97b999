package dev.starling.mesh.exchange;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The exchange's wire format (README, "exchange"): whole messages (a request or a response) and the fragments
 * that carry them in DATA frames. Decoding is strict: every length is checked before it is used, text must be
 * valid UTF-8, nothing may follow the body, and the record's own validation runs last.
 */
final class ExchangeCodec {
    /** First byte of every fragment: the exchange's channel among the users of DATA frames. */
    static final byte CHANNEL = 0x52;
    static final byte KIND_REQUEST = 1;
    static final byte KIND_RESPONSE = 2;
    static final int HEADER_BYTES = 14;
    /** Fragments of one message, at most (the count is an unsigned 16-bit field). */
    static final int MAX_FRAGMENTS = 0xFFFF;

    private ExchangeCodec() {
    }

    /** A fragment as read from a DATA frame. */
    record Fragment(byte kind, long id, int index, int count, byte[] chunk) {}

    static byte[] encodeRequest(MeshRequest request) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + request.body().length);
        byte[] method = request.method().getBytes(StandardCharsets.US_ASCII);
        out.write(method.length);
        out.writeBytes(method);
        writeShortText(out, request.uri());
        out.write(request.headers().size());
        request.headers().forEach((name, value) -> {
            byte[] n = name.getBytes(StandardCharsets.US_ASCII);
            out.write(n.length);
            out.writeBytes(n);
            writeShortText(out, value);
        });
        writeBody(out, request.body());
        return out.toByteArray();
    }

    static byte[] encodeResponse(MeshResponse response) {
        byte[] body = response.body();
        ByteBuffer buffer = ByteBuffer.allocate(6 + body.length);
        buffer.putShort((short) response.status()).putInt(body.length).put(body);
        return buffer.array();
    }

    static MeshRequest decodeRequest(byte[] message) throws MalformedMessageException {
        ByteBuffer in = ByteBuffer.wrap(message);
        try {
            int methodLength = in.get() & 0xFF;
            if (methodLength == 0 || methodLength > MeshRequest.MAX_METHOD) {
                throw new MalformedMessageException("method length " + methodLength);
            }
            String method = text(in, methodLength);
            String uri = text(in, in.getShort() & 0xFFFF);
            int headerCount = in.get() & 0xFF;
            if (headerCount > MeshRequest.MAX_HEADERS) {
                throw new MalformedMessageException("header count " + headerCount);
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 0; i < headerCount; i++) {
                String name = text(in, in.get() & 0xFF);
                String value = text(in, in.getShort() & 0xFFFF);
                if (headers.keySet().stream().anyMatch(name::equalsIgnoreCase)) {
                    throw new MalformedMessageException("header repeated: " + name.toLowerCase(Locale.ROOT));
                }
                headers.put(name, value);
            }
            byte[] body = body(in);
            return new MeshRequest(method, uri, headers, body);
        } catch (BufferUnderflowException e) {
            throw new MalformedMessageException("request truncated");
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("request invalid: " + e.getMessage());
        }
    }

    static MeshResponse decodeResponse(byte[] message) throws MalformedMessageException {
        ByteBuffer in = ByteBuffer.wrap(message);
        try {
            int status = in.getShort() & 0xFFFF;
            byte[] body = body(in);
            return new MeshResponse(status, body);
        } catch (BufferUnderflowException e) {
            throw new MalformedMessageException("response truncated");
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("response invalid: " + e.getMessage());
        }
    }

    /** Splits a message into fragments of at most {@code maxPayload} bytes each, header included. */
    static List<byte[]> fragments(byte kind, long id, byte[] message, int maxPayload) {
        int chunk = maxPayload - HEADER_BYTES;
        if (chunk < 1) {
            throw new IllegalArgumentException("payload limit " + maxPayload + " leaves no room for data");
        }
        int count = Math.max(1, (message.length + chunk - 1) / chunk);
        if (count > MAX_FRAGMENTS) {
            throw new IllegalArgumentException("message of " + message.length + " bytes needs too many fragments");
        }
        List<byte[]> out = new ArrayList<>(count);
        for (int index = 0; index < count; index++) {
            int from = index * chunk;
            int length = Math.min(chunk, message.length - from);
            ByteBuffer buffer = ByteBuffer.allocate(HEADER_BYTES + length);
            buffer.put(CHANNEL).put(kind).putLong(id).putShort((short) index).putShort((short) count)
                    .put(message, from, length);
            out.add(buffer.array());
        }
        return out;
    }

    /** Reads one fragment; the caller has checked the channel byte. */
    static Fragment parseFragment(byte[] payload) throws MalformedMessageException {
        if (payload.length <= HEADER_BYTES) {
            throw new MalformedMessageException("fragment of " + payload.length + " bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(payload);
        if (in.get() != CHANNEL) {
            throw new MalformedMessageException("not the exchange channel");
        }
        byte kind = in.get();
        if (kind != KIND_REQUEST && kind != KIND_RESPONSE) {
            throw new MalformedMessageException("unknown kind " + kind);
        }
        long id = in.getLong();
        int index = in.getShort() & 0xFFFF;
        int count = in.getShort() & 0xFFFF;
        if (count == 0 || index >= count) {
            throw new MalformedMessageException("fragment " + index + " of " + count);
        }
        byte[] chunk = new byte[in.remaining()];
        in.get(chunk);
        return new Fragment(kind, id, index, count, chunk);
    }

    private static void writeShortText(ByteArrayOutputStream out, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.write(bytes.length >>> 8);
        out.write(bytes.length & 0xFF);
        out.writeBytes(bytes);
    }

    private static void writeBody(ByteArrayOutputStream out, byte[] body) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(body.length).array());
        out.writeBytes(body);
    }

    private static byte[] body(ByteBuffer in) throws MalformedMessageException {
        int length = in.getInt();
        if (length < 0 || length != in.remaining()) {
            throw new MalformedMessageException("body length " + length + " but " + in.remaining() + " bytes left");
        }
        byte[] body = new byte[length];
        in.get(body);
        return body;
    }

    private static String text(ByteBuffer in, int length) throws MalformedMessageException {
        if (length > in.remaining()) {
            throw new MalformedMessageException("text of " + length + " bytes past the end");
        }
        ByteBuffer slice = in.slice(in.position(), length);
        in.position(in.position() + length);
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(slice);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new MalformedMessageException("text is not UTF-8");
        }
    }
}
