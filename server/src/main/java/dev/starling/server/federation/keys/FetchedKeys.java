package dev.starling.server.federation.keys;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.crypto.ServerKeys;
import dev.starling.protocol.crypto.ServerKeysDocument;
import java.util.Objects;

/**
 * A remote server's key document as fetched and verified: the parsed form, the signed JSON exactly as
 * received (what a notary hands on), and when we fetched it.
 */
public record FetchedKeys(ServerKeysDocument document, ObjectNode signedJson, long fetchedTs) {
    public FetchedKeys {
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(signedJson, "signedJson");
    }

    /** The keys with their validity: current keys until min(valid_until_ts, fetched + 7 days), old ones until expired_ts. */
    public ServerKeys keys() {
        return document.toServerKeys(fetchedTs);
    }

    /** True when the document's {@code valid_until_ts} has passed, so it should be fetched again. */
    public boolean expiredAt(long nowTs) {
        return document.validUntilTs() < nowTs;
    }
}
