package dev.starling.server.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.crypto.EventSigning;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.protocol.rooms.RoomVersion;
import dev.starling.server.federation.auth.RequestSigning;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Steps of the federation event tests (the inbound pipeline and serving): client calls on a
 * {@link FederatingServer}, building and signing PDUs as a remote server, and sending them in signed
 * transactions or signed requests.
 */
final class FedEvents {
    static final String V3 = "/_matrix/client/v3";
    static final String FED = "/_matrix/federation/v1";
    private static int txnCounter;

    private FedEvents() {}

    /** A remote server's identity: its name and signing key (its key server answers for it). */
    record Remote(ServerName name, SigningKey key) {
        static Remote of(FederatingServer server) {
            return new Remote(server.name(), server.key());
        }

        String user(String localpart) {
            return "@" + localpart + ":" + name.value();
        }
    }

    static String path(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    // ---- client side of the local server ----

    static FederatingServer.Reply client(FederatingServer server, String method, String path, String body,
            String token) {
        return server.send(method, path, body, token == null ? Map.of() : Map.of("Authorization", "Bearer " + token));
    }

    /** Registers {@code name} with m.login.dummy; returns the access token. */
    static String register(FederatingServer server, String name) {
        String credentials = "\"username\":\"" + name + "\",\"password\":\"pw\"";
        FederatingServer.Reply challenge = client(server, "POST", V3 + "/register", "{" + credentials + "}", null);
        String session = challenge.json().path("session").asText();
        FederatingServer.Reply done = client(server, "POST", V3 + "/register", "{" + credentials
                + ",\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"" + session + "\"}}", null);
        assertThat(done.status()).as(String.valueOf(done.json())).isEqualTo(200);
        return done.json().path("access_token").asText();
    }

    static String createPublicRoom(FederatingServer server, String token, RoomVersion version) {
        FederatingServer.Reply reply = client(server, "POST", V3 + "/createRoom",
                "{\"preset\":\"public_chat\",\"room_version\":\"" + version.id() + "\"}", token);
        assertThat(reply.status()).as(String.valueOf(reply.json())).isEqualTo(200);
        return reply.json().path("room_id").asText();
    }

    static String say(FederatingServer server, String token, String roomId, String text) {
        FederatingServer.Reply reply = client(server, "PUT", V3 + "/rooms/" + path(roomId)
                + "/send/m.room.message/t" + (++txnCounter) + System.nanoTime(),
                "{\"msgtype\":\"m.text\",\"body\":\"" + text + "\"}", token);
        assertThat(reply.status()).as(String.valueOf(reply.json())).isEqualTo(200);
        return reply.json().path("event_id").asText();
    }

    // ---- what the local server stored ----

    static List<String> extremities(FederatingServer server, String roomId) {
        return strings(server, "SELECT event_id FROM room_forward_extremities WHERE room_id = ?", roomId);
    }

    static long maxDepth(FederatingServer server, String roomId) {
        return server.server().database().read(c -> {
            try (var s = c.prepareStatement("SELECT MAX(depth) FROM events WHERE room_id = ?")) {
                s.setString(1, roomId);
                try (var r = s.executeQuery()) {
                    r.next();
                    return r.getLong(1);
                }
            }
        });
    }

    /** The current state's event at (type, state_key), or null. */
    static String state(FederatingServer server, String roomId, String type, String stateKey) {
        List<String> ids = strings(server, "SELECT event_id FROM current_state WHERE room_id = ? AND type = ? AND state_key = ?",
                roomId, type, stateKey);
        return ids.isEmpty() ? null : ids.get(0);
    }

    static List<String> strings(FederatingServer server, String sql, String... params) {
        return server.server().database().read(c -> {
            List<String> out = new ArrayList<>();
            try (var s = c.prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) {
                    s.setString(i + 1, params[i]);
                }
                try (var r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(r.getString(1));
                    }
                }
            }
            return out;
        });
    }

    /** The stored flags of an event: "absent", "rejected", "outlier", "soft_failed" or "timeline". */
    static String stored(FederatingServer server, String eventId) {
        return server.server().database().read(c -> {
            try (var s = c.prepareStatement(
                    "SELECT rejected, outlier, soft_failed, stream_ordering FROM events WHERE event_id = ?")) {
                s.setString(1, eventId);
                try (var r = s.executeQuery()) {
                    if (!r.next()) {
                        return "absent";
                    }
                    return r.getBoolean(1) ? "rejected" : r.getBoolean(2) ? "outlier" : r.getBoolean(3) ? "soft_failed"
                            : r.getLong(4) > 0 ? "timeline" : "hidden?";
                }
            }
        });
    }

    // ---- building remote PDUs ----

    /** A signed PDU from {@code remote}: hashes and signature added, in the format of {@code version}. */
    static ObjectNode pdu(Remote remote, RoomVersion version, String roomId, String sender, String type,
            String stateKey, ObjectNode content, List<String> prev, List<String> auth, long depth) {
        return pdu(remote, version, roomId, sender, type, stateKey, content, prev, auth, depth,
                System.currentTimeMillis());
    }

    /** As above with a chosen {@code origin_server_ts}. */
    static ObjectNode pdu(Remote remote, RoomVersion version, String roomId, String sender, String type,
            String stateKey, ObjectNode content, List<String> prev, List<String> auth, long depth, long ts) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("type", type);
        if (stateKey != null) {
            json.put("state_key", stateKey);
        }
        json.put("sender", sender);
        json.put("room_id", roomId);
        json.set("content", content);
        json.put("origin_server_ts", ts);
        ArrayNode prevs = json.putArray("prev_events");
        prev.forEach(prevs::add);
        ArrayNode auths = json.putArray("auth_events");
        auth.forEach(auths::add);
        json.put("depth", depth);
        return EventSigning.sign(json, version, remote.name(), remote.key());
    }

    static String id(ObjectNode pdu, RoomVersion version) {
        return Pdu.fromJson(pdu, version).eventId().value();
    }

    static ObjectNode content(String json) {
        return CanonicalJson.parseObject(json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The auth events a remote event needs from the local server's current state: create (before v12), power
     * levels, the sender's membership, and for a join the join rules.
     */
    static List<String> auth(FederatingServer server, RoomVersion version, String roomId, String sender,
            boolean join) {
        List<String> auth = new ArrayList<>();
        if (!version.roomIdIsCreateEventHash()) {
            auth.add(state(server, roomId, "m.room.create", ""));
        }
        auth.add(state(server, roomId, "m.room.power_levels", ""));
        String member = state(server, roomId, "m.room.member", sender);
        if (member != null) {
            auth.add(member);
        }
        if (join) {
            auth.add(state(server, roomId, "m.room.join_rules", ""));
        }
        return auth;
    }

    /** The remote user's join, on the local server's current extremities. */
    static ObjectNode join(FederatingServer local, Remote remote, RoomVersion version, String roomId, String user) {
        return pdu(remote, version, roomId, user, "m.room.member", user, content("{\"membership\":\"join\"}"),
                extremities(local, roomId), auth(local, version, roomId, user, true), maxDepth(local, roomId) + 1);
    }

    /** A remote user's message on the local server's current extremities. */
    static ObjectNode message(FederatingServer local, Remote remote, RoomVersion version, String roomId, String user,
            String text) {
        return pdu(remote, version, roomId, user, "m.room.message", null,
                content("{\"msgtype\":\"m.text\",\"body\":\"" + text + "\"}"), extremities(local, roomId),
                auth(local, version, roomId, user, false), maxDepth(local, roomId) + 1);
    }

    // ---- signed federation requests ----

    static FederatingServer.Reply transaction(Remote from, FederatingServer to, String txnId, List<ObjectNode> pdus,
            List<ObjectNode> edus) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("origin", from.name().value());
        body.put("origin_server_ts", System.currentTimeMillis());
        ArrayNode p = body.putArray("pdus");
        pdus.forEach(p::add);
        ArrayNode e = body.putArray("edus");
        edus.forEach(e::add);
        return signed(from, to, "PUT", FED + "/send/" + path(txnId), body);
    }

    static FederatingServer.Reply signed(Remote from, FederatingServer to, String method, String uri, ObjectNode body) {
        String authorization = RequestSigning.authorization(from.key(), from.name(), to.name(), method, uri, body);
        Map<String, String> headers = body == null ? Map.of("Authorization", authorization)
                : Map.of("Authorization", authorization, "Content-Type", "application/json");
        return to.send(method, uri, body == null ? null : new String(CanonicalJson.encode(body), StandardCharsets.UTF_8),
                headers);
    }
}
