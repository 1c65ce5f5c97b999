package dev.starling.olm.megolm;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Our outstanding {@code m.room_key_request}s. A forwarded room key is accepted only against one of these
 * (SECURITY.md item 27: no unsolicited forwards), and answers it: a second forward for the same session is
 * unsolicited. Not thread-safe.
 */
public final class KeyRequests {
    /** One request: its ID and the session asked for. */
    public record Request(String requestId, String roomId, String senderKey, String sessionId) {
    }

    private final String ourDeviceId;
    private final SecureRandom random;
    private final Map<String, Request> pending = new LinkedHashMap<>();

    public KeyRequests(String ourDeviceId, SecureRandom random) {
        this.ourDeviceId = ourDeviceId;
        this.random = random;
    }

    /** Records a new request and returns the {@code m.room_key_request} content to send to our devices. */
    public ObjectNode request(String roomId, String senderKey, String sessionId) {
        byte[] id = new byte[12];
        random.nextBytes(id);
        Request request = new Request(HexFormat.of().formatHex(id), roomId, senderKey, sessionId);
        pending.put(key(roomId, sessionId), request);
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        content.put("action", "request");
        content.put("request_id", request.requestId());
        content.put("requesting_device_id", ourDeviceId);
        ObjectNode body = content.putObject("body");
        body.put("algorithm", GroupSessions.MEGOLM_ALGORITHM);
        body.put("room_id", roomId);
        body.put("sender_key", senderKey);
        body.put("session_id", sessionId);
        return content;
    }

    /** The pending request for this session, if any, without answering it. */
    public Optional<Request> pending(String roomId, String sessionId) {
        return Optional.ofNullable(pending.get(key(roomId, sessionId)));
    }

    /**
     * Cancels the pending request for this session; returns the {@code m.room_key_request} cancellation
     * content to send, if one was pending.
     */
    public Optional<ObjectNode> cancel(String roomId, String sessionId) {
        return answer(roomId, sessionId).map(request -> {
            ObjectNode content = JsonNodeFactory.instance.objectNode();
            content.put("action", "request_cancellation");
            content.put("request_id", request.requestId());
            content.put("requesting_device_id", ourDeviceId);
            return content;
        });
    }

    /** Marks the request answered (or cancelled); returns it if it was pending. */
    public Optional<Request> answer(String roomId, String sessionId) {
        return Optional.ofNullable(pending.remove(key(roomId, sessionId)));
    }

    private static String key(String roomId, String sessionId) {
        return roomId + "\u0000" + sessionId;
    }
}
