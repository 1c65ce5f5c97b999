package dev.starling.server.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.crypto.VerifyKey;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.http.AuthenticatedDevice;
import dev.starling.server.http.MatrixException;
import dev.starling.server.http.MatrixRequest;
import dev.starling.server.http.MatrixResponse;
import dev.starling.server.storage.Database;
import dev.starling.server.users.PasswordReauth;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cross-signing keys and signatures (Client-Server API § Cross-signing): uploading the master, self-signing
 * and user-signing keys, and uploading signatures made with them.
 */
public final class CrossSigningApi {
    private static final Logger LOG = LoggerFactory.getLogger(CrossSigningApi.class);
    private static final Map<String, String> FIELDS = Map.of(KeyStore.MASTER, "master_key",
            KeyStore.SELF_SIGNING, "self_signing_key", KeyStore.USER_SIGNING, "user_signing_key");

    private final Database db;
    private final DeviceLists deviceLists;
    private final PasswordReauth reauth;

    public CrossSigningApi(Database db, DeviceLists deviceLists, PasswordReauth reauth) {
        this.db = Objects.requireNonNull(db, "db");
        this.deviceLists = Objects.requireNonNull(deviceLists, "deviceLists");
        this.reauth = Objects.requireNonNull(reauth, "reauth");
    }

    /** A checked cross-signing key: its JSON (without {@code unsigned}) and public key. */
    record CrossSigningKey(ObjectNode json, VerifyKey key) {
        String publicKey() {
            return key.publicKeyBase64();
        }
    }

    /** POST /_matrix/client/v3/keys/device_signing/upload — Client-Server API § Cross-signing. */
    public MatrixResponse uploadKeys(MatrixRequest request) {
        AuthenticatedDevice me = request.requireDevice();
        ObjectNode body = request.jsonBody();
        Map<String, CrossSigningKey> uploaded = new LinkedHashMap<>();
        for (String type : new String[] {KeyStore.MASTER, KeyStore.SELF_SIGNING, KeyStore.USER_SIGNING}) {
            KeyJson.optionalObject(body, FIELDS.get(type))
                    .ifPresent(json -> uploaded.put(type, check(json, me.userId(), type, FIELDS.get(type))));
        }
        Map<String, Optional<ObjectNode>> stored = db.read(c -> Map.of(
                KeyStore.MASTER, KeyStore.crossSigningKey(c, me.userId(), KeyStore.MASTER),
                KeyStore.SELF_SIGNING, KeyStore.crossSigningKey(c, me.userId(), KeyStore.SELF_SIGNING),
                KeyStore.USER_SIGNING, KeyStore.crossSigningKey(c, me.userId(), KeyStore.USER_SIGNING)));
        VerifyKey master = uploaded.containsKey(KeyStore.MASTER) ? uploaded.get(KeyStore.MASTER).key()
                : stored.get(KeyStore.MASTER).map(json -> check(json, me.userId(), KeyStore.MASTER, "master_key").key())
                        .orElse(null);
        for (String type : new String[] {KeyStore.SELF_SIGNING, KeyStore.USER_SIGNING}) {
            CrossSigningKey key = uploaded.get(type);
            if (key == null) {
                continue;
            }
            if (master == null) {
                throw MatrixException.invalidParam(FIELDS.get(type), "upload a master key first");
            }
            if (!KeyJson.signed(key.json(), me.userId(), master)) {
                throw MatrixException.invalidParam(FIELDS.get(type), "not signed by the master key");
            }
        }
        boolean replaces = uploaded.entrySet().stream().anyMatch(e -> stored.get(e.getKey()).isPresent()
                && !stored.get(e.getKey()).get().equals(e.getValue().json()));
        // Spec: the first upload needs no user-interactive auth; replacing existing keys does.
        if (replaces) {
            Optional<ObjectNode> challenge = reauth.process(me.userId(), body);
            if (challenge.isPresent()) {
                return MatrixResponse.ok(challenge.get()).withStatus(401);
            }
        }
        boolean changed = uploaded.entrySet().stream().anyMatch(e -> stored.get(e.getKey()).isEmpty()
                || !stored.get(e.getKey()).get().equals(e.getValue().json()));
        if (changed) {
            db.inTransaction(c -> {
                for (Map.Entry<String, CrossSigningKey> key : uploaded.entrySet()) {
                    KeyStore.putCrossSigningKey(c, me.userId(), key.getKey(), key.getValue().json());
                }
                return KeyStore.recordChange(c, me.userId());
            });
            LOG.info("cross-signing keys uploaded user_id={} types={}", me.userId(), uploaded.keySet());
            deviceLists.wake(me.userId());
        }
        return MatrixResponse.empty();
    }

    /** POST /_matrix/client/v3/keys/signatures/upload — Client-Server API § Cross-signing. */
    public MatrixResponse uploadSignatures(MatrixRequest request) {
        AuthenticatedDevice me = request.requireDevice();
        ObjectNode body = request.jsonBody();
        body.properties().forEach(user -> {
            KeyJson.userId(user.getKey(), "user ID");
            KeyJson.object(user.getValue(), user.getKey()).properties()
                    .forEach(key -> KeyJson.object(key.getValue(), user.getKey() + "." + key.getKey()));
        });
        ObjectNode failures = JsonNodeFactory.instance.objectNode();
        boolean stored = db.inTransaction(c -> {
            SignatureChecks checks = new SignatureChecks(c, me.userId());
            boolean any = false;
            for (Map.Entry<String, JsonNode> user : body.properties()) {
                UserId target = UserId.parse(user.getKey());
                for (Map.Entry<String, JsonNode> key : user.getValue().properties()) {
                    Optional<SignatureChecks.Failure> failure = checks.apply(target, key.getKey(),
                            (ObjectNode) key.getValue());
                    if (failure.isPresent()) {
                        ObjectNode forUser = failures.has(target.value()) ? (ObjectNode) failures.get(target.value())
                                : failures.putObject(target.value());
                        forUser.putObject(key.getKey()).put("errcode", failure.get().errcode())
                                .put("error", failure.get().error());
                    } else {
                        any = true;
                    }
                }
            }
            if (any) {
                KeyStore.recordChange(c, me.userId());
            }
            return any;
        });
        if (stored) {
            deviceLists.wake(me.userId());
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("failures", failures);
        return MatrixResponse.ok(out);
    }

    /** A cross-signing key of {@code user} with the usage {@code type}: one ed25519 key named by its public key. */
    static CrossSigningKey check(ObjectNode json, UserId user, String type, String field) {
        if (!KeyJson.text(json, "user_id").equals(user.value())) {
            throw MatrixException.invalidParam(field, "user_id must be the authenticated user");
        }
        JsonNode usage = json.get("usage");
        if (usage == null || !usage.isArray() || usage.isEmpty()) {
            throw MatrixException.badJson(field + ".usage must be a non-empty array");
        }
        boolean hasUsage = false;
        for (JsonNode u : usage) {
            if (!u.isTextual()) {
                throw MatrixException.badJson(field + ".usage must be strings");
            }
            hasUsage |= u.textValue().equals(type);
        }
        if (!hasUsage) {
            throw MatrixException.invalidParam(field, "usage must contain " + type);
        }
        ObjectNode keys = KeyJson.keys(json, field);
        if (keys.size() != 1) {
            throw MatrixException.invalidParam(field, "must have exactly one key");
        }
        String keyId = keys.fieldNames().next();
        KeyId id = KeyJson.keyId(keyId, field);
        if (!id.algorithm().equals("ed25519") || !id.identifier().equals(keys.get(keyId).textValue())) {
            throw MatrixException.invalidParam(field, "the key must be ed25519:<public key>");
        }
        VerifyKey key = KeyJson.ed25519(keys, id, field);
        return new CrossSigningKey(KeyJson.withoutUnsigned(json), key);
    }
}
