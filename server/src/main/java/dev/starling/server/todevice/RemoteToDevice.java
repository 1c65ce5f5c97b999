package dev.starling.server.todevice;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.UserId;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/** How send-to-device messages for users of other servers leave (federation's {@code m.direct_to_device}). */
@FunctionalInterface
public interface RemoteToDevice {
    /**
     * In the send's transaction: queues the messages (remote user → device ID or "*" → content); returns what to
     * run after the commit (waking the senders).
     */
    Runnable queue(Connection c, UserId sender, String type, String messageId,
            Map<UserId, Map<String, ObjectNode>> messages) throws SQLException;

    /** No federation: remote recipients are skipped. */
    RemoteToDevice NONE = (c, sender, type, messageId, messages) -> () -> { };
}
