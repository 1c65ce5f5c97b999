package dev.starling.olm.backup;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.olm.megolm.GroupSessions;
import dev.starling.olm.megolm.KnownGroupSession;
import java.security.SecureRandom;

/**
 * Backing up a Megolm session (spec: "Server-side key backups"): the plaintext {@code BackedUpSessionData}
 * and the {@code KeyBackupData} uploaded to {@code PUT /room_keys/keys/{roomId}/{sessionId}}.
 */
public final class RoomKeyBackup {
    private RoomKeyBackup() {
    }

    /** The plaintext of a backed-up session: the export at its first known index and its origin. Secret. */
    public static ObjectNode sessionData(KnownGroupSession known) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("algorithm", GroupSessions.MEGOLM_ALGORITHM);
        data.put("sender_key", known.senderKey());
        data.putObject("sender_claimed_keys").put("ed25519", known.claimedEd25519Key());
        var chain = data.putArray("forwarding_curve25519_key_chain");
        known.forwardingChain().forEach(chain::add);
        data.put("session_key", known.session().exportAtFirstKnownIndex());
        return data;
    }

    /** The {@code KeyBackupData} for upload, encrypted to {@code backupPublicKey}. */
    public static ObjectNode keyBackupData(KnownGroupSession known, String backupPublicKey, SecureRandom random) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("first_message_index", known.session().firstKnownIndex());
        out.put("forwarded_count", known.forwardingChain().size());
        out.put("is_verified", known.isDirect() && known.session().isVerified());
        out.set("session_data", BackupKey.encryptSessionData(backupPublicKey, sessionData(known), random));
        return out;
    }
}
