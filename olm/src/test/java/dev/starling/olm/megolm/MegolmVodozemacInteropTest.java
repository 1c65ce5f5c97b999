package dev.starling.olm.megolm;

import static org.assertj.core.api.Assertions.assertThat;

import de.connect2x.trixnity.vodozemac.megolm.ExportedSessionKey;
import de.connect2x.trixnity.vodozemac.megolm.GroupSession;
import de.connect2x.trixnity.vodozemac.megolm.MegolmMessage;
import de.connect2x.trixnity.vodozemac.megolm.MegolmSessionConfig;
import de.connect2x.trixnity.vodozemac.megolm.SessionKey;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Live interop with vodozemac 0.9 (the Rust library Element uses), through the trixnity JVM binding:
 * Megolm both ways, out of order, session keys and exports both ways.
 */
class MegolmVodozemacInteropTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final MegolmSessionConfig V1 = MegolmSessionConfig.Companion.v1();

    @Test
    void javaOutboundDecryptsInVodozemacOutOfOrder() {
        OutboundGroupSession out = OutboundGroupSession.create(RANDOM);
        String sessionKey = out.sessionKey();
        var inbound = de.connect2x.trixnity.vodozemac.megolm.InboundGroupSession.Companion.invoke(
                SessionKey.Companion.invoke(sessionKey), V1);
        assertThat(inbound.getSessionId()).isEqualTo(out.sessionId());
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < 260; i++) {
            messages.add(out.encrypt(("java " + i + " ✓").getBytes(StandardCharsets.UTF_8)));
        }
        for (int i : new int[] {259, 0, 256, 7, 255}) {
            var decrypted = inbound.decrypt(MegolmMessage.Text.Companion.invoke(messages.get(i)));
            assertThat(decrypted.getPlaintext().getValue()).isEqualTo("java " + i + " ✓");
            assertThat(decrypted.getMessageIndex()).isEqualTo(i);
        }
        String exported = inbound.exportAt(10).getBase64();
        assertThat(InboundGroupSession.fromSessionKey(sessionKey).export(10)).isEqualTo(exported);
        var imported = vodozemacImport(InboundGroupSession.fromSessionKey(sessionKey).export(200));
        assertThat(imported.decrypt(MegolmMessage.Text.Companion.invoke(messages.get(201))).getPlaintext().getValue())
                .isEqualTo("java 201 ✓");
    }

    /** {@code InboundGroupSession.import(...)}: "import" is a keyword in Java, so called reflectively. */
    private static de.connect2x.trixnity.vodozemac.megolm.InboundGroupSession vodozemacImport(String exported) {
        try {
            Object companion = de.connect2x.trixnity.vodozemac.megolm.InboundGroupSession.Companion;
            return (de.connect2x.trixnity.vodozemac.megolm.InboundGroupSession) companion.getClass()
                    .getMethod("import", ExportedSessionKey.class, MegolmSessionConfig.class)
                    .invoke(companion, ExportedSessionKey.Companion.invoke(exported), V1);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("vodozemac refused the export: " + e.getCause(), e);
        }
    }

    @Test
    void vodozemacOutboundDecryptsInJavaOutOfOrder() {
        GroupSession out = GroupSession.Companion.invoke(V1);
        InboundGroupSession in = InboundGroupSession.fromSessionKey(out.getSessionKey().getBase64());
        assertThat(in.sessionId()).isEqualTo(out.getSessionId());
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < 260; i++) {
            messages.add(out.encrypt("vodozemac " + i).getBase64());
        }
        for (int i : new int[] {259, 1, 256, 0, 255}) {
            InboundGroupSession.Decrypted d = in.decrypt(messages.get(i));
            assertThat(new String(d.plaintext(), StandardCharsets.UTF_8)).isEqualTo("vodozemac " + i);
            assertThat(d.index()).isEqualTo(i);
        }
        var theirs = de.connect2x.trixnity.vodozemac.megolm.InboundGroupSession.Companion.invoke(
                SessionKey.Companion.invoke(out.getSessionKey().getBase64()), V1);
        assertThat(in.export(300)).isEqualTo(theirs.exportAt(300).getBase64());
        InboundGroupSession imported = InboundGroupSession.importExported(theirs.exportAt(260).getBase64());
        assertThat(imported.firstKnownIndex()).isEqualTo(260);
        assertThat(new String(imported.decrypt(out.encrypt("after").getBase64()).plaintext(), StandardCharsets.UTF_8))
                .isEqualTo("after");
    }
}
