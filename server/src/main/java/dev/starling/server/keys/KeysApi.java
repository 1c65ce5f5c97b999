package dev.starling.server.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.crypto.VerifyKey;
import dev.starling.protocol.id.DeviceId;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.server.http.AuthenticatedDevice;
import dev.starling.server.http.MatrixException;
import dev.starling.server.http.MatrixRequest;
import dev.starling.server.http.MatrixResponse;
import dev.starling.server.storage.Database;
import dev.starling.server.sync.SyncToken;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Device keys, one-time and fallback keys: upload, query, claim, changes (Client-Server API § End-to-end encryption). */
public final class KeysApi {
    private static final Logger LOG = LoggerFactory.getLogger(KeysApi.class);
    /** The one algorithm whose count is always answered, so that clients know the server supports it. */
    static final String SIGNED_CURVE25519 = "signed_curve25519";

    private final ServerName serverName;
    private final Database db;
    private final DeviceLists deviceLists;
    private final KeyQueries queries;
    private final RemoteKeys remote;

    public KeysApi(ServerName serverName, Database db, DeviceLists deviceLists) {
        this(serverName, db, deviceLists, RemoteKeys.NONE);
    }

    /** @param remote how the keys of other servers' users are asked for (federation) */
    public KeysApi(ServerName serverName, Database db, DeviceLists deviceLists, RemoteKeys remote) {
        this.serverName = Objects.requireNonNull(serverName, "serverName");
        this.db = Objects.requireNonNull(db, "db");
        this.deviceLists = Objects.requireNonNull(deviceLists, "deviceLists");
        this.queries = new KeyQueries(serverName, db);
        this.remote = Objects.requireNonNull(remote, "remote");
    }

    /** POST /_matrix/client/v3/keys/upload — Client-Server API § Key management API. */
    public MatrixResponse upload(MatrixRequest request) {
        AuthenticatedDevice me = request.requireDevice();
        ObjectNode body = request.jsonBody();
        Optional<ObjectNode> deviceKeys = KeyJson.optionalObject(body, "device_keys");
        Optional<ObjectNode> oneTimeKeys = KeyJson.optionalObject(body, "one_time_keys");
        Optional<ObjectNode> fallbackKeys = KeyJson.optionalObject(body, "fallback_keys");
        Optional<VerifyKey> newDeviceKey = deviceKeys.map(keys -> checkDeviceKeys(keys, me));
        boolean changed = db.inTransaction(c -> {
            Optional<ObjectNode> stored = KeyStore.deviceKeys(c, me.userId(), me.deviceId());
            boolean keysChanged = false;
            if (deviceKeys.isPresent()) {
                ObjectNode uploaded = KeyJson.withoutUnsigned(deviceKeys.get());
                if (stored.isPresent() && !stored.get().get("keys").equals(uploaded.get("keys"))) {
                    throw MatrixException.invalidParam("device_keys",
                            "this device already has different identity keys; log in as a new device instead");
                }
                if (stored.isEmpty() || !stored.get().equals(uploaded)) {
                    KeyStore.putDeviceKeys(c, me.userId(), me.deviceId(), uploaded);
                    KeyStore.recordChange(c, me.userId());
                    keysChanged = true;
                }
            }
            Optional<VerifyKey> signingKey = newDeviceKey.isPresent() ? newDeviceKey
                    : stored.map(keys -> deviceEd25519(keys, me.deviceId()));
            if (oneTimeKeys.isPresent()) {
                storeOneTimeKeys(c, me, oneTimeKeys.get(), signingKey);
            }
            if (fallbackKeys.isPresent()) {
                storeFallbackKeys(c, me, fallbackKeys.get(), signingKey);
            }
            return keysChanged;
        });
        if (changed) {
            LOG.info("device keys uploaded user_id={} device_id={}", me.userId(), me.deviceId());
            deviceLists.wake(me.userId());
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ObjectNode counts = out.putObject("one_time_key_counts");
        counts.put(SIGNED_CURVE25519, 0);
        db.read(c -> KeyStore.oneTimeKeyCounts(c, me.userId(), me.deviceId())).forEach(counts::put);
        return MatrixResponse.ok(out);
    }

    /** POST /_matrix/client/v3/keys/query — Client-Server API § Key management API. */
    public MatrixResponse query(MatrixRequest request) {
        AuthenticatedDevice me = request.requireDevice();
        ObjectNode body = request.jsonBody();
        ObjectNode wanted = KeyJson.object(body.get("device_keys"), "device_keys");
        ObjectNode out = queries.query(me.userId(), wanted);
        // Remote users: their servers answer (POST /user/keys/query), in parallel, failures under "failures".
        ObjectNode failures = (ObjectNode) out.get("failures");
        failures.removeAll();
        Map<ServerName, ObjectNode> remoteWanted = RemoteKeyFanOut.byServer(wanted, serverName);
        remoteWanted.keySet().forEach(server -> remoteWanted.get(server).properties()
                .forEach(user -> ((ObjectNode) out.get("device_keys")).remove(user.getKey())));
        java.time.Duration timeout = RemoteKeyFanOut.timeout(body);
        RemoteKeyFanOut.ask(remoteWanted, timeout, (server, part) -> remote.query(server, part, timeout), failures)
                .forEach((server, answer) -> {
                    for (String section : new String[] {"device_keys", "master_keys", "self_signing_keys"}) {
                        RemoteKeyFanOut.merge(out, section, answer, server);
                    }
                });
        return MatrixResponse.ok(out);
    }

    /** POST /_matrix/client/v3/keys/claim — Client-Server API § Key management API. */
    public MatrixResponse claim(MatrixRequest request) {
        request.requireDevice();
        ObjectNode body = request.jsonBody();
        ObjectNode wanted = KeyJson.object(body.get("one_time_keys"), "one_time_keys");
        wanted.properties().forEach(user -> {
            KeyJson.userId(user.getKey(), "one_time_keys");
            KeyJson.object(user.getValue(), "one_time_keys." + user.getKey()).properties().forEach(device -> {
                if (!device.getValue().isTextual()) {
                    throw MatrixException.badJson("one_time_keys values must be algorithm names");
                }
            });
        });
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ObjectNode claimed = out.putObject("one_time_keys");
        ObjectNode failures = out.putObject("failures");
        db.inTransaction(c -> {
            for (Map.Entry<String, JsonNode> user : wanted.properties()) {
                UserId userId = UserId.parse(user.getKey());
                if (!userId.server().equals(serverName)) {
                    continue; // asked below, of the user's server
                }
                for (Map.Entry<String, JsonNode> device : user.getValue().properties()) {
                    DeviceId deviceId;
                    try {
                        deviceId = DeviceId.parse(device.getKey());
                    } catch (InvalidIdentifierException e) {
                        continue;
                    }
                    String algorithm = device.getValue().textValue();
                    Optional<KeyStore.ClaimedKey> key = KeyStore.claimOneTimeKey(c, userId, deviceId, algorithm);
                    if (key.isEmpty()) {
                        key = KeyStore.claimFallbackKey(c, userId, deviceId, algorithm);
                    }
                    key.ifPresent(k -> {
                        ObjectNode forUser = claimed.has(user.getKey()) ? (ObjectNode) claimed.get(user.getKey())
                                : claimed.putObject(user.getKey());
                        forUser.putObject(device.getKey()).set(k.keyId(), k.value());
                    });
                }
            }
            return null;
        });
        java.time.Duration timeout = RemoteKeyFanOut.timeout(body);
        RemoteKeyFanOut.ask(RemoteKeyFanOut.byServer(wanted, serverName), timeout,
                (server, part) -> remote.claim(server, part, timeout), failures)
                .forEach((server, answer) -> RemoteKeyFanOut.merge(out, "one_time_keys", answer, server));
        return MatrixResponse.ok(out);
    }

    /** GET /_matrix/client/v3/keys/changes — Client-Server API § Key management API. */
    public MatrixResponse changes(MatrixRequest request) {
        UserId me = request.requireDevice().userId();
        SyncToken from = SyncToken.parse("from",
                request.queryParam("from").orElseThrow(() -> MatrixException.missingParam("from")));
        SyncToken to = SyncToken.parse("to",
                request.queryParam("to").orElseThrow(() -> MatrixException.missingParam("to")));
        DeviceLists.Changes changes = deviceLists.changes(me, from.position(), to.position());
        return MatrixResponse.ok(KeysSyncSource.changesJson(changes));
    }

    /** The uploaded device keys, checked: this user and device, an ed25519 key, self-signed. Returns the key. */
    private static VerifyKey checkDeviceKeys(ObjectNode keys, AuthenticatedDevice me) {
        if (!KeyJson.text(keys, "user_id").equals(me.userId().value())) {
            throw MatrixException.invalidParam("device_keys.user_id", "must be the authenticated user");
        }
        if (!KeyJson.text(keys, "device_id").equals(me.deviceId().value())) {
            throw MatrixException.invalidParam("device_keys.device_id", "must be the authenticated device");
        }
        JsonNode algorithms = keys.get("algorithms");
        if (algorithms == null || !algorithms.isArray()) {
            throw MatrixException.badJson("device_keys.algorithms must be an array");
        }
        algorithms.forEach(a -> {
            if (!a.isTextual()) {
                throw MatrixException.badJson("device_keys.algorithms must be strings");
            }
        });
        VerifyKey key = KeyJson.ed25519(KeyJson.keys(keys, "device_keys"), KeyId.ed25519(me.deviceId().value()),
                "device_keys");
        if (!KeyJson.signed(keys, me.userId(), key)) {
            throw MatrixException.invalidParam("device_keys", "not signed by the device's own ed25519 key");
        }
        return key;
    }

    private static VerifyKey deviceEd25519(ObjectNode stored, DeviceId device) {
        return KeyJson.ed25519((ObjectNode) stored.get("keys"), KeyId.ed25519(device.value()), "device_keys");
    }

    private static void storeOneTimeKeys(Connection c, AuthenticatedDevice me, ObjectNode keys,
            Optional<VerifyKey> signingKey) throws SQLException {
        for (Map.Entry<String, JsonNode> entry : keys.properties()) {
            KeyId id = KeyJson.keyId(entry.getKey(), "one_time_keys");
            checkKey(entry.getValue(), id, me.userId(), signingKey, "one_time_keys");
            Optional<String> existing = KeyStore.oneTimeKey(c, me.userId(), me.deviceId(), id.algorithm(),
                    id.identifier());
            if (existing.isPresent()) {
                if (!existing.get().equals(dev.starling.protocol.json.CanonicalJson.encodeToString(entry.getValue()))) {
                    throw MatrixException.invalidParam("one_time_keys", "key " + id + " already exists");
                }
                continue;
            }
            KeyStore.addOneTimeKey(c, me.userId(), me.deviceId(), id.algorithm(), id.identifier(), entry.getValue());
        }
    }

    private static void storeFallbackKeys(Connection c, AuthenticatedDevice me, ObjectNode keys,
            Optional<VerifyKey> signingKey) throws SQLException {
        for (Map.Entry<String, JsonNode> entry : keys.properties()) {
            KeyId id = KeyJson.keyId(entry.getKey(), "fallback_keys");
            checkKey(entry.getValue(), id, me.userId(), signingKey, "fallback_keys");
            KeyStore.putFallbackKey(c, me.userId(), me.deviceId(), id.algorithm(), id.identifier(), entry.getValue());
        }
    }

    /**
     * A one-time or fallback key: a string (unsigned algorithms), or an object with a string {@code key}, which
     * for {@code signed_*} algorithms must be signed by the device's ed25519 key.
     */
    private static void checkKey(JsonNode value, KeyId id, UserId user, Optional<VerifyKey> signingKey, String what) {
        if (value.isTextual()) {
            if (id.algorithm().startsWith("signed_")) {
                throw MatrixException.invalidParam(what, "key " + id + " must be a signed object");
            }
            return;
        }
        ObjectNode key = KeyJson.object(value, what + "." + id);
        KeyJson.text(key, "key");
        if (id.algorithm().startsWith("signed_")) {
            VerifyKey verify = signingKey.orElseThrow(() -> MatrixException.invalidParam(what,
                    "upload the device's keys before signed keys"));
            if (!KeyJson.signed(key, user, verify)) {
                throw MatrixException.invalidParam(what, "key " + id + " is not signed by the device's ed25519 key");
            }
        }
    }
}
