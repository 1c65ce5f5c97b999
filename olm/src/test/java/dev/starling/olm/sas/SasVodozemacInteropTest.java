package dev.starling.olm.sas;

import static org.assertj.core.api.Assertions.assertThat;

import de.connect2x.trixnity.vodozemac.Curve25519PublicKey;
import de.connect2x.trixnity.vodozemac.sas.EstablishedSas;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Live interop with vodozemac 0.9's SAS: the same bytes, emoji, decimals and MACs on both sides. */
class SasVodozemacInteropTest {
    @Test
    void bothSidesAgreeWhoeverStarts() {
        SecureRandom random = new SecureRandom();
        for (boolean javaStarts : new boolean[] {true, false}) {
            Sas java = Sas.create(random);
            de.connect2x.trixnity.vodozemac.sas.Sas theirs = new de.connect2x.trixnity.vodozemac.sas.Sas();
            String theirKey = theirs.getPublicKey().getBase64();
            EstablishedSas established = theirs.diffieHellman(Curve25519PublicKey.Companion.invoke(java.publicKey()));
            java.setTheirKey(theirKey);
            SasInfo.Party javaParty = new SasInfo.Party("@java:example.org", "JAVADEV", java.publicKey());
            SasInfo.Party other = new SasInfo.Party("@vodozemac:example.org", "RUSTDEV", theirKey);
            String info = javaStarts ? SasInfo.sas(javaParty, other, "txn") : SasInfo.sas(other, javaParty, "txn");
            var bytes = established.generateBytes(info);
            assertThat(Arrays.copyOf(bytes.getBytes(), 6)).isEqualTo(java.generateBytes(info, 6));
            assertThat(java.emoji(info).stream().map(SasEmoji.Emoji::number).toList())
                    .isEqualTo(bytes.getEmojiIndices().getAsList());
            assertThat(Arrays.stream(java.decimals(info)).boxed().toList()).isEqualTo(bytes.getDecimals().getAsList());
            String macInfo = SasInfo.mac("@vodozemac:example.org", "RUSTDEV", "@java:example.org", "JAVADEV", "txn",
                    "ed25519:RUSTDEV");
            assertThat(java.mac("theirEd25519Key", macInfo))
                    .isEqualTo(established.calculateMac("theirEd25519Key", macInfo).getBase64());
            assertThat(java.legacyMac("theirEd25519Key", macInfo))
                    .isEqualTo(established.calculateMacInvalidBase64("theirEd25519Key", macInfo));
        }
    }
}
