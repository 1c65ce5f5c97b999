package dev.starling.server.todevice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.DeviceId;
import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.server.http.AuthenticatedDevice;
import dev.starling.server.http.MatrixException;
import dev.starling.server.http.MatrixRequest;
import dev.starling.server.http.MatrixResponse;
import dev.starling.server.storage.Database;
import dev.starling.server.sync.Notifier;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sending to-device messages (Client-Server API § Send-to-Device messaging). Local recipients only for now. */
public final class ToDeviceApi {
    private static final Logger LOG = LoggerFactory.getLogger(ToDeviceApi.class);
    /** "All devices of the user" in {@code messages}. */
    static final String ALL_DEVICES = "*";
    /** Longest event type and transaction ID accepted, in bytes (as other identifiers). */
    static final int MAX_ID_BYTES = 255;

    private final ServerName serverName;
    private final Database db;
    private final Notifier notifier;
    private final Clock clock;
    private final RemoteToDevice remote;

    public ToDeviceApi(ServerName serverName, Database db, Notifier notifier, Clock clock) {
        this(serverName, db, notifier, clock, RemoteToDevice.NONE);
    }

    /** @param remote how messages for other servers' users leave (federation) */
    public ToDeviceApi(ServerName serverName, Database db, Notifier notifier, Clock clock, RemoteToDevice remote) {
        this.remote = Objects.requireNonNull(remote, "remote");
        this.serverName = Objects.requireNonNull(serverName, "serverName");
        this.db = Objects.requireNonNull(db, "db");
        this.notifier = Objects.requireNonNull(notifier, "notifier");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** PUT /_matrix/client/v3/sendToDevice/{eventType}/{txnId} — Client-Server API § Send-to-Device messaging. */
    public MatrixResponse send(MatrixRequest request) {
        AuthenticatedDevice me = request.requireDevice();
        String type = request.pathParam("eventType");
        String txnId = request.pathParam("txnId");
        if (type.isEmpty() || type.getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
            throw MatrixException.invalidParam("eventType", "must be 1 to 255 bytes");
        }
        if (txnId.isEmpty() || txnId.getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
            throw MatrixException.invalidParam("txnId", "must be 1 to 255 bytes");
        }
        JsonNode messagesNode = request.jsonBody().get("messages");
        if (messagesNode == null) {
            throw MatrixException.missingParam("messages");
        }
        Map<UserId, Map<String, ObjectNode>> messages = parse(messagesNode);
        Set<UserId> recipients = new LinkedHashSet<>();
        Map<UserId, Map<String, ObjectNode>> remoteMessages = new java.util.LinkedHashMap<>();
        Runnable[] afterCommit = {() -> { }};
        boolean stored = db.inTransaction(c -> {
            if (!ToDeviceStore.recordTxn(c, me.userId(), me.deviceId(), txnId, clock.millis())) {
                return false;
            }
            List<ToDeviceStore.Outgoing> out = new ArrayList<>();
            for (Map.Entry<UserId, Map<String, ObjectNode>> user : messages.entrySet()) {
                UserId recipient = user.getKey();
                if (!recipient.server().equals(serverName)) {
                    remoteMessages.put(recipient, user.getValue());
                    continue;
                }
                List<DeviceId> devices = ToDeviceStore.devices(c, recipient);
                for (Map.Entry<String, ObjectNode> device : user.getValue().entrySet()) {
                    for (DeviceId target : devices) {
                        if (device.getKey().equals(ALL_DEVICES) || device.getKey().equals(target.value())) {
                            out.add(new ToDeviceStore.Outgoing(recipient, target, me.userId(), type, device.getValue()));
                            recipients.add(recipient);
                        }
                    }
                }
            }
            ToDeviceStore.store(c, out);
            if (!remoteMessages.isEmpty()) {
                // the message ID lets the receiving server drop a retried transaction's duplicate
                afterCommit[0] = remote.queue(c, me.userId(), type, me.deviceId().value() + ":" + txnId,
                        remoteMessages);
                LOG.debug("to-device messages queued for other servers sender={} type={} users={}", me.userId(), type,
                        remoteMessages.size());
            }
            return true;
        });
        if (stored) {
            recipients.forEach(notifier::wakeUser);
            afterCommit[0].run();
        }
        return MatrixResponse.empty();
    }

    /** {@code messages}: user ID → (device ID or "*") → content object. */
    private static Map<UserId, Map<String, ObjectNode>> parse(JsonNode messages) {
        if (!(messages instanceof ObjectNode byUser)) {
            throw MatrixException.badJson("messages must be an object");
        }
        Map<UserId, Map<String, ObjectNode>> parsed = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> user : byUser.properties()) {
            UserId userId;
            try {
                userId = UserId.parse(user.getKey());
            } catch (InvalidIdentifierException e) {
                throw MatrixException.invalidParam("messages", "not a user ID: " + user.getKey());
            }
            if (!(user.getValue() instanceof ObjectNode byDevice)) {
                throw MatrixException.badJson("messages." + user.getKey() + " must be an object");
            }
            Map<String, ObjectNode> devices = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> device : byDevice.properties()) {
                if (!device.getKey().equals(ALL_DEVICES)) {
                    try {
                        DeviceId.parse(device.getKey());
                    } catch (InvalidIdentifierException e) {
                        throw MatrixException.invalidParam("messages", "not a device ID: " + device.getKey());
                    }
                }
                if (!(device.getValue() instanceof ObjectNode content)) {
                    throw MatrixException.badJson("message contents must be objects");
                }
                devices.put(device.getKey(), content);
            }
            parsed.put(userId, devices);
        }
        return parsed;
    }
}
