package dev.starling.server.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.http.ErrorCode;
import dev.starling.server.http.MatrixException;
import dev.starling.server.http.MatrixRequest;
import dev.starling.server.http.MatrixResponse;
import dev.starling.server.storage.Database;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Server-side key backup (Client-Server API § Server-side key backups): backup versions, and the encrypted
 * Megolm sessions stored in the current one. The server never sees the keys in clear: {@code auth_data} and
 * {@code session_data} are opaque to it. The {@code /room_keys/keys} handlers serve all three depths (every
 * room, one room, one session), told apart by the path parameters present.
 */
public final class BackupApi {
    private final Database db;

    public BackupApi(Database db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    /** POST /_matrix/client/v3/room_keys/version — Client-Server API § Server-side key backups. */
    public MatrixResponse createVersion(MatrixRequest request) {
        UserId me = request.requireDevice().userId();
        ObjectNode body = request.jsonBody();
        String algorithm = text(body, "algorithm");
        ObjectNode authData = object(body, "auth_data");
        long version = db.inTransaction(c -> BackupStore.create(c, me, algorithm, authData));
        return MatrixResponse.ok(JsonNodeFactory.instance.objectNode().put("version", Long.toString(version)));
    }

    /** GET /_matrix/client/v3/room_keys/version — Client-Server API § Server-side key backups. */
    public MatrixResponse currentVersion(MatrixRequest request) {
        UserId me = request.requireDevice().userId();
        return MatrixResponse.ok(db.<ObjectNode>read(c -> {
            BackupStore.Version v = BackupStore.current(c, me).orElseThrow(BackupApi::noBackup);
            return versionJson(v, BackupStore.count(c, me, v.version()));
        }));
    }

    /** GET /_matrix/client/v3/room_keys/version/{version} — Client-Server API § Server-side key backups. */
    public MatrixResponse getVersion(MatrixRequest request) {
        UserId me = request.requireDevice().userId();
        long version = versionNumber(request.pathParam("version")).orElseThrow(BackupApi::unknownVersion);
        return MatrixResponse.ok(db.<ObjectNode>read(c -> {
            BackupStore.Version v = BackupStore.get(c, me, version).orElseThrow(BackupApi::unknownVersion);
            return versionJson(v, BackupStore.count(c, me, version));
        }));
    }

    /** PUT /_matrix/client/v3/room_keys/version/{version} — Client-Server API § Server-side key backups. */
    public MatrixResponse updateVersion(MatrixRequest request) {
        UserId me = request.requireDevice().userId();
        String path = request.pathParam("version");
        ObjectNode body = request.jsonBody();
        String algorithm = text(body, "algorithm");
        ObjectNode authData = object(body, "auth_data");
        JsonNode bodyVersion = body.get("version");
        if (bodyVersion != null && !(bodyVersion.isTextual() && bodyVersion.textValue().equals(path))) {
            throw MatrixException.invalidParam("version", "must match the version in the path");
        }
        long version = versionNumber(path).orElseThrow(BackupApi::unknownVersion);
        db.inTransaction(c -> {
            BackupStore.Version v = BackupStore.get(c, me, version).orElseThrow(BackupApi::unknownVersion);
            if (!v.algorithm().equals(algorithm)) {
                throw MatrixException.invalidParam("algorithm", "cannot change the algorithm of a backup version");
            }
            BackupStore.updateAuthData(c, me, version, authData);
            return null;
        });
        return MatrixResponse.empty();
    }

    /** DELETE /_matrix/client/v3/room_keys/version/{version} — Client-Server API § Server-side key backups. */
    public MatrixResponse deleteVersion(MatrixRequest request) {
        UserId me = request.requireDevice().userId();
        long version = versionNumber(request.pathParam("version")).orElseThrow(BackupApi::unknownVersion);
        db.inTransaction(c -> {
            BackupStore.get(c, me, version).orElseThrow(BackupApi::unknownVersion);
            BackupStore.markDeleted(c, me, version);
            return null;
        });
        return MatrixResponse.empty();
    }

    /** PUT /_matrix/client/v3/room_keys/keys[/{roomId}[/{sessionId}]] — Client-Server API § Server-side key backups. */
    public MatrixResponse putKeys(MatrixRequest request) {
        UserId me = request.requireDevice().userId();
        String versionParam = request.queryParam("version").orElseThrow(() -> MatrixException.missingParam("version"));
        List<BackupStore.Session> uploaded = parseUpload(request);
        return MatrixResponse.ok(db.<ObjectNode>inTransaction(c -> {
            BackupStore.Version current = BackupStore.current(c, me).orElseThrow(BackupApi::noBackup);
            if (!Long.toString(current.version()).equals(versionParam)) {
                throw new MatrixException(ErrorCode.M_WRONG_ROOM_KEYS_VERSION,
                        "version " + versionParam + " is not the current backup version")
                        .withField("current_version", Long.toString(current.version()));
            }
            boolean changed = false;
            for (BackupStore.Session session : uploaded) {
                List<BackupStore.Session> existing = BackupStore.sessions(c, me, current.version(), session.roomId(),
                        session.sessionId());
                if (existing.isEmpty() || session.betterThan(existing.get(0))) {
                    BackupStore.put(c, me, current.version(), session);
                    changed = true;
                }
            }
            if (changed) {
                BackupStore.bumpEtag(c, me, current.version());
            }
            return countAndEtag(BackupStore.count(c, me, current.version()), current.etag() + (changed ? 1 : 0));
        }));
    }

    /** GET /_matrix/client/v3/room_keys/keys[/{roomId}[/{sessionId}]] — Client-Server API § Server-side key backups. */
    public MatrixResponse getKeys(MatrixRequest request) {
        UserId me = request.requireDevice().userId();
        long version = requestedVersion(request);
        String roomId = roomId(request);
        String sessionId = request.pathParams().get("sessionId");
        return MatrixResponse.ok(db.<ObjectNode>read(c -> {
            BackupStore.get(c, me, version).orElseThrow(BackupApi::unknownVersion);
            List<BackupStore.Session> sessions = BackupStore.sessions(c, me, version, roomId, sessionId);
            if (sessionId != null) {
                return sessionJson(sessions.stream().findFirst()
                        .orElseThrow(() -> MatrixException.notFound("no such session in the backup")));
            }
            ObjectNode rooms = JsonNodeFactory.instance.objectNode();
            for (BackupStore.Session s : sessions) {
                ObjectNode room = rooms.has(s.roomId()) ? (ObjectNode) rooms.get(s.roomId())
                        : rooms.putObject(s.roomId()).putObject("sessions");
                if (room.has("sessions")) {
                    room = (ObjectNode) room.get("sessions");
                }
                room.set(s.sessionId(), sessionJson(s));
            }
            if (roomId != null) {
                ObjectNode out = JsonNodeFactory.instance.objectNode();
                out.set("sessions", rooms.has(roomId) ? rooms.get(roomId).get("sessions")
                        : JsonNodeFactory.instance.objectNode());
                return out;
            }
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.set("rooms", rooms);
            return out;
        }));
    }

    /** DELETE /_matrix/client/v3/room_keys/keys[/{roomId}[/{sessionId}]] — Client-Server API § Server-side key backups. */
    public MatrixResponse deleteKeys(MatrixRequest request) {
        UserId me = request.requireDevice().userId();
        long version = requestedVersion(request);
        String roomId = roomId(request);
        String sessionId = request.pathParams().get("sessionId");
        return MatrixResponse.ok(db.<ObjectNode>inTransaction(c -> {
            BackupStore.Version v = BackupStore.get(c, me, version).orElseThrow(BackupApi::unknownVersion);
            boolean deleted = BackupStore.deleteSessions(c, me, version, roomId, sessionId) > 0;
            if (deleted) {
                BackupStore.bumpEtag(c, me, version);
            }
            return countAndEtag(BackupStore.count(c, me, version), v.etag() + (deleted ? 1 : 0));
        }));
    }

    private static List<BackupStore.Session> parseUpload(MatrixRequest request) {
        ObjectNode body = request.jsonBody();
        String roomId = roomId(request);
        String sessionId = request.pathParams().get("sessionId");
        List<BackupStore.Session> sessions = new ArrayList<>();
        if (sessionId != null) {
            sessions.add(session(roomId, sessionId, body));
        } else if (roomId != null) {
            addSessions(roomId, object(body, "sessions"), sessions);
        } else {
            for (Map.Entry<String, JsonNode> room : object(body, "rooms").properties()) {
                RoomId.parse(room.getKey());
                if (!(room.getValue() instanceof ObjectNode roomBody)) {
                    throw MatrixException.badJson("rooms values must be objects");
                }
                addSessions(room.getKey(), object(roomBody, "sessions"), sessions);
            }
        }
        return sessions;
    }

    private static void addSessions(String roomId, ObjectNode sessions, List<BackupStore.Session> into) {
        for (Map.Entry<String, JsonNode> s : sessions.properties()) {
            if (!(s.getValue() instanceof ObjectNode data)) {
                throw MatrixException.badJson("sessions values must be objects");
            }
            into.add(session(roomId, s.getKey(), data));
        }
    }

    /** A {@code KeyBackupData}, checked. */
    private static BackupStore.Session session(String roomId, String sessionId, ObjectNode data) {
        if (sessionId.isEmpty()) {
            throw MatrixException.invalidParam("session_id", "must not be empty");
        }
        long firstMessageIndex = nonNegative(data, "first_message_index");
        long forwardedCount = nonNegative(data, "forwarded_count");
        JsonNode verified = data.get("is_verified");
        if (verified == null) {
            throw MatrixException.missingParam("is_verified");
        }
        if (!verified.isBoolean()) {
            throw MatrixException.badJson("is_verified must be true or false");
        }
        return new BackupStore.Session(roomId, sessionId, firstMessageIndex, forwardedCount, verified.booleanValue(),
                object(data, "session_data"));
    }

    private static ObjectNode sessionJson(BackupStore.Session s) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("first_message_index", s.firstMessageIndex());
        out.put("forwarded_count", s.forwardedCount());
        out.put("is_verified", s.verified());
        out.set("session_data", s.sessionData());
        return out;
    }

    private static ObjectNode versionJson(BackupStore.Version v, long count) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("algorithm", v.algorithm());
        out.set("auth_data", v.authData());
        out.put("count", count);
        out.put("etag", Long.toString(v.etag()));
        out.put("version", Long.toString(v.version()));
        return out;
    }

    private static ObjectNode countAndEtag(long count, long etag) {
        return JsonNodeFactory.instance.objectNode().put("count", count).put("etag", Long.toString(etag));
    }

    private static String roomId(MatrixRequest request) {
        String roomId = request.pathParams().get("roomId");
        return roomId == null ? null : RoomId.parse(roomId).value();
    }

    private static long requestedVersion(MatrixRequest request) {
        String version = request.queryParam("version").orElseThrow(() -> MatrixException.missingParam("version"));
        return versionNumber(version).orElseThrow(BackupApi::unknownVersion);
    }

    private static Optional<Long> versionNumber(String version) {
        if (version.isEmpty() || version.length() > 18 || !version.chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(version));
    }

    private static MatrixException noBackup() {
        return MatrixException.notFound("no current backup version");
    }

    private static MatrixException unknownVersion() {
        return MatrixException.notFound("unknown backup version");
    }

    private static String text(ObjectNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null) {
            throw MatrixException.missingParam(field);
        }
        if (!node.isTextual()) {
            throw MatrixException.badJson(field + " must be a string");
        }
        return node.textValue();
    }

    private static ObjectNode object(ObjectNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null) {
            throw MatrixException.missingParam(field);
        }
        if (!(node instanceof ObjectNode object)) {
            throw MatrixException.badJson(field + " must be an object");
        }
        return object;
    }

    private static long nonNegative(ObjectNode data, String field) {
        JsonNode node = data.get(field);
        if (node == null) {
            throw MatrixException.missingParam(field);
        }
        if (!node.isIntegralNumber() || node.longValue() < 0) {
            throw MatrixException.badJson(field + " must be a non-negative integer");
        }
        return node.longValue();
    }
}
