package dev.starling.server.devices;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.DeviceId;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.UserId;
import dev.starling.server.http.MatrixException;
import dev.starling.server.http.MatrixRequest;
import dev.starling.server.http.MatrixResponse;
import dev.starling.server.keys.DeviceLists;
import dev.starling.server.keys.KeyStore;
import dev.starling.server.storage.Database;
import dev.starling.server.users.Device;
import dev.starling.server.users.DeviceStore;
import dev.starling.server.users.PasswordReauth;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A user's devices (Client-Server API § Device management): list, show, rename, delete. Deleting needs the
 * user's password (user-interactive auth) and, in one transaction, revokes the device's access token and
 * removes its keys and pending to-device messages. Another user's device is 404 to GET and PUT, as a missing
 * one is; DELETE of either answers 200 and deletes nothing (spec: "or had been removed previously").
 */
public final class DevicesApi {
    private static final Logger LOG = LoggerFactory.getLogger(DevicesApi.class);
    /** Longest display name, in bytes (Synapse's limit). */
    static final int MAX_DISPLAY_NAME_BYTES = 100;

    private final Database db;
    private final DeviceStore devices;
    private final PasswordReauth reauth;
    private final DeviceLists deviceLists;

    public DevicesApi(Database db, DeviceStore devices, PasswordReauth reauth, DeviceLists deviceLists) {
        this.db = Objects.requireNonNull(db, "db");
        this.devices = Objects.requireNonNull(devices, "devices");
        this.reauth = Objects.requireNonNull(reauth, "reauth");
        this.deviceLists = Objects.requireNonNull(deviceLists, "deviceLists");
    }

    /** GET /_matrix/client/v3/devices — Client-Server API § Device management. */
    public MatrixResponse list(MatrixRequest request) {
        UserId me = request.requireDevice().userId();
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode array = out.putArray("devices");
        devices.list(me).forEach(d -> array.add(json(d)));
        return MatrixResponse.ok(out);
    }

    /** GET /_matrix/client/v3/devices/{deviceId} — Client-Server API § Device management. */
    public MatrixResponse get(MatrixRequest request) {
        UserId me = request.requireDevice().userId();
        return MatrixResponse.ok(json(find(me, request.pathParam("deviceId"))));
    }

    /** PUT /_matrix/client/v3/devices/{deviceId} — Client-Server API § Device management. */
    public MatrixResponse update(MatrixRequest request) {
        UserId me = request.requireDevice().userId();
        ObjectNode body = request.jsonBody();
        Device device = find(me, request.pathParam("deviceId"));
        JsonNode name = body.get("display_name");
        if (name == null || name.isNull()) {
            return MatrixResponse.empty();
        }
        if (!name.isTextual()) {
            throw MatrixException.badJson("display_name must be a string");
        }
        if (name.textValue().getBytes(StandardCharsets.UTF_8).length > MAX_DISPLAY_NAME_BYTES) {
            throw MatrixException.invalidParam("display_name", "longer than " + MAX_DISPLAY_NAME_BYTES + " bytes");
        }
        if (device.displayName().equals(Optional.of(name.textValue()))) {
            return MatrixResponse.empty();
        }
        devices.rename(me, device.deviceId(), name.textValue());
        // The display name is part of what /keys/query answers: other users' clients refresh it.
        db.inTransaction(c -> {
            KeyStore.deviceListChanged(c, me);
            return null;
        });
        deviceLists.wake(me);
        return MatrixResponse.empty();
    }

    /** DELETE /_matrix/client/v3/devices/{deviceId} — Client-Server API § Device management. */
    public MatrixResponse delete(MatrixRequest request) {
        UserId me = request.requireDevice().userId();
        // Spec: 200 when the device "had been removed previously"; so a device the user does not have (another
        // user's included) is deleted as a no-op after the same user-interactive auth, and never touched.
        List<DeviceId> ids;
        try {
            ids = List.of(DeviceId.parse(request.pathParam("deviceId")));
        } catch (InvalidIdentifierException e) {
            ids = List.of();
        }
        return deleteAll(me, request.jsonBodyOrEmpty(), ids);
    }

    /** POST /_matrix/client/v3/delete_devices — Client-Server API § Device management. */
    public MatrixResponse deleteMany(MatrixRequest request) {
        UserId me = request.requireDevice().userId();
        ObjectNode body = request.jsonBody();
        JsonNode list = body.get("devices");
        if (list == null) {
            throw MatrixException.missingParam("devices");
        }
        if (!list.isArray()) {
            throw MatrixException.badJson("devices must be an array of device IDs");
        }
        List<DeviceId> ids = new ArrayList<>();
        for (JsonNode id : list) {
            if (!id.isTextual()) {
                throw MatrixException.badJson("devices must be an array of device IDs");
            }
            try {
                ids.add(DeviceId.parse(id.textValue()));
            } catch (InvalidIdentifierException e) {
                throw MatrixException.invalidParam("devices", "not a device ID: " + id.textValue());
            }
        }
        return deleteAll(me, body, ids);
    }

    private MatrixResponse deleteAll(UserId me, ObjectNode body, List<DeviceId> ids) {
        Optional<ObjectNode> challenge = reauth.process(me, body);
        if (challenge.isPresent()) {
            return MatrixResponse.ok(challenge.get()).withStatus(401);
        }
        // Unknown devices are ignored (spec: POST /delete_devices).
        int deleted = devices.deleteDevices(me, ids, new DeviceCleanup(deviceLists));
        if (deleted > 0) {
            LOG.info("devices deleted user_id={} count={}", me, deleted);
        }
        return MatrixResponse.empty();
    }

    private Device find(UserId me, String deviceId) {
        try {
            return devices.get(me, DeviceId.parse(deviceId))
                    .orElseThrow(() -> MatrixException.notFound("no such device"));
        } catch (InvalidIdentifierException e) {
            throw MatrixException.notFound("no such device");
        }
    }

    private static ObjectNode json(Device device) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("device_id", device.deviceId().value());
        device.displayName().ifPresent(n -> out.put("display_name", n));
        device.lastSeenTs().ifPresent(ts -> out.put("last_seen_ts", ts));
        return out;
    }
}
