package dev.starling.server.federation.keys;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.crypto.JsonSignatures;
import dev.starling.protocol.crypto.ServerKeysDocument;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.crypto.VerifyKey;
import dev.starling.protocol.id.ServerName;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * This server's signing key and the key document it publishes: {@code verify_keys} = the current key,
 * {@code old_verify_keys} = none yet (key rotation does not exist yet; the field is published empty), and
 * {@code valid_until_ts} = now + the configured validity (≤ 7 days).
 */
public final class OwnKeys {
    private final ServerName serverName;
    private final SigningKey signingKey;
    private final Duration validity;
    private final Clock clock;

    public OwnKeys(ServerName serverName, SigningKey signingKey, Duration validity, Clock clock) {
        if (validity.compareTo(ServerKeysDocument.MAX_VALIDITY) > 0) {
            throw new IllegalArgumentException("key validity above 7 days: " + validity);
        }
        this.serverName = serverName;
        this.signingKey = signingKey;
        this.validity = validity;
        this.clock = clock;
    }

    public ServerName serverName() {
        return serverName;
    }

    public SigningKey signingKey() {
        return signingKey;
    }

    /** The document as of now, unsigned. */
    public ServerKeysDocument document() {
        return new ServerKeysDocument(serverName, Map.of(signingKey.keyId(), signingKey.verifyKey()), Map.of(),
                clock.millis() + validity.toMillis());
    }

    /** The document as of now, signed by us: the body of {@code GET /_matrix/key/v2/server}. */
    public ObjectNode signedDocument() {
        return document().sign(signingKey);
    }

    /** Our current verify key (for our own requests and events, no fetch needed). */
    public VerifyKey verifyKey() {
        return signingKey.verifyKey();
    }

    /** {@code json} with our signature added next to those it has (a notary's counter-signature). */
    public ObjectNode countersign(ObjectNode json) {
        return JsonSignatures.sign(json, serverName.value(), signingKey);
    }
}
