package dev.starling.olm.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.connect2x.trixnity.vodozemac.Curve25519PublicKey;
import de.connect2x.trixnity.vodozemac.olm.OlmMessage;
import de.connect2x.trixnity.vodozemac.olm.OlmSessionConfig;
import dev.starling.olm.account.Account;
import dev.starling.protocol.crypto.Base64s;
import dev.starling.protocol.crypto.VerifyKey;
import dev.starling.protocol.id.KeyId;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Live interop with vodozemac (the Olm implementation Element uses) through Trixnity's JVM binding
 * ({@code trixnity-vodozemac-jvm}, native vodozemac): sessions started from either side, out of order, many
 * ratchet steps; and vodozemac's experimental v2 sessions (version byte 4) are refused.
 */
class VodozemacInteropTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    private static de.connect2x.trixnity.vodozemac.olm.Account vodozemacAccount() {
        return de.connect2x.trixnity.vodozemac.olm.Account.Companion.invoke();
    }

    @Test
    void javaStartsTheSessionWithVodozemac() {
        Account java = Account.create(RANDOM);
        var them = vodozemacAccount();
        them.generateOneTimeKeys(1);
        Map.Entry<String, Curve25519PublicKey> otk = them.getOneTimeKeys().entrySet().iterator().next();
        them.markKeysAsPublished();
        Session session = Session.createOutbound(java, them.getCurve25519Key().getBase64(), otk.getValue().getBase64(),
                RANDOM);
        EncryptedMessage first = session.encrypt(utf8("hello vodozemac"), RANDOM);
        var created = them.createInboundSession(OlmMessage.PreKey.Text.Companion.invoke(first.body()),
                Curve25519PublicKey.Companion.invoke(java.curve25519Key()));
        assertThat(created.component1()).isEqualTo("hello vodozemac");
        var theirs = created.getSession();
        assertThat(theirs.getSessionId()).isEqualTo(session.sessionId());
        talk(session, theirs, 40);
    }

    @Test
    void vodozemacStartsTheSessionFromOurOneTimeKey() {
        Account java = Account.create(RANDOM);
        java.generateOneTimeKeys(2, RANDOM);
        String oneTimeKey = java.unpublishedOneTimeKeys().values().iterator().next();
        var them = vodozemacAccount();
        var theirs = them.createOutboundSession(Curve25519PublicKey.Companion.invoke(java.curve25519Key()),
                Curve25519PublicKey.Companion.invoke(oneTimeKey), OlmSessionConfig.Companion.v1());
        EncryptedMessage first = fromThem(theirs.encrypt("from vodozemac"));
        assertThat(first.type()).isZero();
        InboundSession inbound = Session.createInbound(java, them.getCurve25519Key().getBase64(), first.body());
        assertThat(new String(inbound.plaintext(), StandardCharsets.UTF_8)).isEqualTo("from vodozemac");
        assertThat(inbound.session().sessionId()).isEqualTo(theirs.getSessionId());
        assertThat(java.oneTimeKeys()).hasSize(1);
        talk(inbound.session(), theirs, 40);
    }

    @Test
    void outOfOrderBothWays() {
        Account java = Account.create(RANDOM);
        var them = vodozemacAccount();
        them.generateOneTimeKeys(1);
        Session session = Session.createOutbound(java, them.getCurve25519Key().getBase64(),
                them.getOneTimeKeys().values().iterator().next().getBase64(), RANDOM);
        EncryptedMessage hello = session.encrypt(utf8("hello"), RANDOM);
        var theirs = them.createInboundSession(OlmMessage.PreKey.Text.Companion.invoke(hello.body()),
                        Curve25519PublicKey.Companion.invoke(java.curve25519Key()))
                .getSession();
        Random shuffle = new Random(11);
        for (int round = 0; round < 4; round++) {
            List<Object[]> batch = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                batch.add(new Object[] {fromThem(theirs.encrypt("v" + round + "/" + i)), "v" + round + "/" + i});
            }
            Collections.shuffle(batch, shuffle);
            for (Object[] item : batch) {
                assertThat(new String(session.decrypt((EncryptedMessage) item[0]), StandardCharsets.UTF_8))
                        .isEqualTo(item[1]);
            }
            batch.clear();
            for (int i = 0; i < 15; i++) {
                batch.add(new Object[] {session.encrypt(utf8("j" + round + "/" + i), RANDOM), "j" + round + "/" + i});
            }
            Collections.shuffle(batch, shuffle);
            for (Object[] item : batch) {
                assertThat(decryptThere(theirs, (EncryptedMessage) item[0])).isEqualTo(item[1]);
            }
        }
    }

    @Test
    void vodozemacsExperimentalV2SessionsAreRefused() {
        Account java = Account.create(RANDOM);
        java.generateOneTimeKeys(1, RANDOM);
        var them = vodozemacAccount();
        var theirs = them.createOutboundSession(Curve25519PublicKey.Companion.invoke(java.curve25519Key()),
                Curve25519PublicKey.Companion.invoke(java.unpublishedOneTimeKeys().values().iterator().next()),
                OlmSessionConfig.Companion.v2());
        EncryptedMessage first = fromThem(theirs.encrypt("v2"));
        assertThatThrownBy(() -> Session.createInbound(java, null, first.body())).isInstanceOfSatisfying(
                OlmException.class, e -> assertThat(e.problem()).isEqualTo(OlmException.Problem.UNSUPPORTED_VERSION));
        assertThat(java.oneTimeKeys()).hasSize(1);
    }

    @Test
    void signaturesVerifyBothWays() {
        Account java = Account.create(RANDOM);
        var them = vodozemacAccount();
        byte[] message = utf8("{\"a\":1}");
        var signature = them.sign(message);
        assertThat(VerifyKey.fromBase64(KeyId.ed25519("V"), them.getEd25519Key().getBase64())
                .verify(message, signature.getBytes())).isTrue();
        var ours = de.connect2x.trixnity.vodozemac.Ed25519Signature.Companion.invoke(java.sign(message));
        var ourKey = de.connect2x.trixnity.vodozemac.Ed25519PublicKey.Companion.invoke(java.ed25519Key());
        ourKey.verify(message, ours); // throws when invalid
        assertThat(Base64s.decode(java.sign(message))).hasSize(64);
    }

    private static void talk(Session session, de.connect2x.trixnity.vodozemac.olm.Session theirs, int rounds) {
        for (int i = 0; i < rounds; i++) {
            EncryptedMessage fromThem = fromThem(theirs.encrypt("them " + i + " é✓"));
            assertThat(new String(session.decrypt(fromThem), StandardCharsets.UTF_8)).isEqualTo("them " + i + " é✓");
            for (int j = 0; j <= i % 3; j++) {
                EncryptedMessage fromUs = session.encrypt(utf8("us " + i + "." + j), RANDOM);
                assertThat(fromUs.type()).isEqualTo(1);
                assertThat(decryptThere(theirs, fromUs)).isEqualTo("us " + i + "." + j);
            }
        }
    }

    private static EncryptedMessage fromThem(OlmMessage.Text message) {
        return new EncryptedMessage(message instanceof OlmMessage.PreKey ? 0 : 1, message.getBase64());
    }

    private static String decryptThere(de.connect2x.trixnity.vodozemac.olm.Session theirs, EncryptedMessage message) {
        OlmMessage.Text text = message.type() == 0 ? OlmMessage.PreKey.Text.Companion.invoke(message.body())
                : OlmMessage.Normal.Text.Companion.invoke(message.body());
        return theirs.decrypt(text);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
