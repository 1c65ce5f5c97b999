package dev.starling.olm.sas;

import static dev.starling.olm.testing.MegolmPeer.op;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.olm.testing.MegolmPeer;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Live interop with libolm's Sas: the same SAS bytes (so emoji and decimals) and MACs on both sides. */
class SasLibolmInteropTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static MegolmPeer libolm;

    @BeforeAll
    static void start() {
        libolm = MegolmPeer.start();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        libolm.close();
    }

    @Test
    void bothSidesAgreeWhoeverStarts() {
        for (boolean javaStarts : new boolean[] {true, false}) {
            Sas java = Sas.create(RANDOM);
            JsonNode peer = libolm.call(op("sas_new"));
            String handle = peer.get("handle").asText();
            String theirKey = peer.get("public_key").asText();
            java.setTheirKey(theirKey);
            libolm.call(op("sas_set_their_key").put("handle", handle).put("public_key", java.publicKey()));
            SasInfo.Party javaParty = new SasInfo.Party("@java:example.org", "JAVADEV", java.publicKey());
            SasInfo.Party libolmParty = new SasInfo.Party("@libolm:example.org", "PYDEV", theirKey);
            String info = javaStarts ? SasInfo.sas(javaParty, libolmParty, "txn")
                    : SasInfo.sas(libolmParty, javaParty, "txn");
            byte[] ours = java.generateBytes(info, 6);
            String theirs = libolm.call(op("sas_bytes").put("handle", handle).put("info", info).put("length", 6))
                    .get("hex").asText();
            assertThat(HexFormat.of().formatHex(ours)).isEqualTo(theirs);
            assertThat(java.emoji(info)).isEqualTo(SasEmoji.fromBytes(HexFormat.of().parseHex(theirs)));
            assertThat(java.decimals(info)).isEqualTo(SasEmoji.decimals(HexFormat.of().parseHex(theirs)));
            String macInfo = SasInfo.mac("@java:example.org", "JAVADEV", "@libolm:example.org", "PYDEV", "txn",
                    "ed25519:JAVADEV");
            JsonNode macs = libolm.call(op("sas_mac").put("handle", handle).put("input", "someEd25519Key")
                    .put("info", macInfo));
            assertThat(java.mac("someEd25519Key", macInfo)).isEqualTo(macs.get("v2").asText());
            assertThat(java.legacyMac("someEd25519Key", macInfo)).isEqualTo(macs.get("legacy").asText());
        }
    }
}
