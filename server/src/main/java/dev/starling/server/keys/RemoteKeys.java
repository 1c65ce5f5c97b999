package dev.starling.server.keys;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.ServerName;
import java.time.Duration;

/**
 * How a local client's {@code /keys/query} and {@code /keys/claim} reach the keys of users on other servers
 * (the federation package's {@code POST /user/keys/query} and {@code /user/keys/claim}). Each call may throw:
 * the caller reports that server under {@code failures}.
 */
public interface RemoteKeys {
    /** {@code device_keys} of one server's users → the server's answer. */
    ObjectNode query(ServerName server, ObjectNode deviceKeys, Duration timeout);

    /** {@code one_time_keys} of one server's users → the server's answer. */
    ObjectNode claim(ServerName server, ObjectNode oneTimeKeys, Duration timeout);

    /** No federation: every remote server is a failure. */
    RemoteKeys NONE = new RemoteKeys() {
        @Override
        public ObjectNode query(ServerName server, ObjectNode deviceKeys, Duration timeout) {
            throw new IllegalStateException("federation is not enabled");
        }

        @Override
        public ObjectNode claim(ServerName server, ObjectNode oneTimeKeys, Duration timeout) {
            throw new IllegalStateException("federation is not enabled");
        }
    };
}
