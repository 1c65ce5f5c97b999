package dev.starling.olm.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.olm.megolm.GroupSessions;
import dev.starling.olm.megolm.KnownGroupSession;
import dev.starling.olm.megolm.MegolmEvents;
import dev.starling.olm.megolm.MegolmException;
import dev.starling.olm.megolm.OutboundGroupSession;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** A Megolm session backed up, restored from the backup into another device's sessions, and used. */
class RoomKeyBackupTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ROOM = "!r:example.org";

    @Test
    void backedUpSessionRestoresAndDecrypts() {
        OutboundGroupSession outbound = OutboundGroupSession.create(RANDOM);
        GroupSessions ours = new GroupSessions("@a:example.org");
        KnownGroupSession known = ours.addOwn(outbound, ROOM, "curveA", "edA");
        BackupKey backup = BackupKey.generate(RANDOM);
        ObjectNode upload = RoomKeyBackup.keyBackupData(known, backup.publicKey(), RANDOM);
        assertThat(upload.get("first_message_index").asLong()).isZero();
        assertThat(upload.get("forwarded_count").asInt()).isZero();
        assertThat(upload.get("is_verified").asBoolean()).isTrue();
        assertThat(upload.toString()).doesNotContain(known.session().exportAtFirstKnownIndex());

        ObjectNode restored = BackupKey.fromRecoveryKey(backup.recoveryKey()).decryptSessionData(upload.get("session_data"));
        GroupSessions otherDevice = new GroupSessions("@a:example.org");
        KnownGroupSession imported = otherDevice.importBackedUp(ROOM, outbound.sessionId(), restored);
        assertThat(imported.isDirect()).isFalse();
        assertThat(imported.claimedEd25519Key()).isEqualTo("edA");
        ObjectNode content = MegolmEvents.encrypt(outbound, ROOM, "m.room.message",
                JsonNodeFactory.instance.objectNode().put("body", "hi"), "curveA", "ADEV");
        assertThat(MegolmEvents.decrypt(otherDevice, ROOM, "$e", 1, content).content().get("body").asText())
                .isEqualTo("hi");
        assertThatThrownBy(() -> new GroupSessions("@a:example.org").importBackedUp(ROOM, "otherSession", restored))
                .isInstanceOf(MegolmException.class);
    }
}
