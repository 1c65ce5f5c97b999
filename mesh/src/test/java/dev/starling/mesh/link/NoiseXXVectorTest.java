package dev.starling.mesh.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Noise_XX_25519_ChaChaPoly_SHA256 against the published cacophony test vector (cacophony's
 * vectors/cacophony.txt, the format of the Noise wiki's "Test vectors" page): every handshake and transport
 * message byte for byte, and the handshake hash.
 */
class NoiseXXVectorTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] PROLOGUE = HEX.parseHex("4a6f686e2047616c74");
    private static final String INIT_STATIC = "e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1";
    private static final String INIT_EPHEMERAL = "893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a";
    private static final String RESP_STATIC = "4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893";
    private static final String RESP_EPHEMERAL = "bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b";
    private static final String HANDSHAKE_HASH = "c8e5f64e846193be2a834104c2a009868d6c9f3bd3c186299888b488b2f1f58e";
    private static final String[][] MESSAGES = {
        {"4c756477696720766f6e204d69736573",
            "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c79444c756477696720766f6e204d69736573"},
        {"4d757272617920526f746862617264",
            "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f14480884381cbad1f276e038c48378ffce2b65285e08d6b"
                + "68aaa3629a5a8639392490e5b9bd5269c2f1e4f488ed8831161f19b7815528f8982ffe09be9b5c412f8a0db50f8814c7194e8"
                + "3f23dbd8d162c9326ad"},
        {"462e20412e20486179656b",
            "c7195ffacac1307ff99046f219750fc47693e23c3cb08b89c2af808b444850a80ae475b9df0f169ae80a89be0865b57f58c9fea0"
                + "d4ec82a286427402f113e4b6ae769a1d95941d49b25030"},
        {"4361726c204d656e676572", "96763ed773f8e47bb3712f0e29b3060ffc956ffc146cee53d5e1df"},
        {"4a65616e2d426170746973746520536179", "3e40f15f6f3a46ae446b253bf8b1d9ffb6ed9b174d272328ff91a7e2e5c79c07f5"},
        {"457567656e2042f6686d20766f6e2042617765726b",
            "eb3f3515110702e047a6c9da4478b6ead94873c11c0f2d710ddb3f09fce024b3a58502ae3f"},
    };

    private static X25519KeyPair key(String hex) {
        return X25519KeyPair.fromPrivate(HEX.parseHex(hex));
    }

    @Test
    void cacophonyXxVectorMatchesByteForByte() throws Exception {
        NoiseXX initiator = NoiseXX.withEphemeral(true, PROLOGUE, key(INIT_STATIC), key(INIT_EPHEMERAL));
        NoiseXX responder = NoiseXX.withEphemeral(false, PROLOGUE, key(RESP_STATIC), key(RESP_EPHEMERAL));
        for (int i = 0; i < 3; i++) {
            NoiseXX writer = i % 2 == 0 ? initiator : responder;
            NoiseXX reader = i % 2 == 0 ? responder : initiator;
            byte[] wire = writer.writeMessage(HEX.parseHex(MESSAGES[i][0]));
            assertThat(HEX.formatHex(wire)).as("handshake message %d", i).isEqualTo(MESSAGES[i][1]);
            assertThat(HEX.formatHex(reader.readMessage(wire))).isEqualTo(MESSAGES[i][0]);
        }
        assertThat(HEX.formatHex(initiator.handshakeHash())).isEqualTo(HANDSHAKE_HASH);
        assertThat(HEX.formatHex(responder.handshakeHash())).isEqualTo(HANDSHAKE_HASH);
        assertThat(initiator.remoteStatic()).isEqualTo(key(RESP_STATIC).publicKey());
        assertThat(responder.remoteStatic()).isEqualTo(key(INIT_STATIC).publicKey());

        CipherState[] init = initiator.split();
        CipherState[] resp = responder.split();
        for (int i = 3; i < MESSAGES.length; i++) {
            // The vector's messages alternate sides throughout: message 3 is the responder's.
            CipherState send = i % 2 == 0 ? init[0] : resp[0];
            CipherState receive = i % 2 == 0 ? resp[1] : init[1];
            byte[] wire = send.encryptWithAd(new byte[0], HEX.parseHex(MESSAGES[i][0]));
            assertThat(HEX.formatHex(wire)).as("transport message %d", i).isEqualTo(MESSAGES[i][1]);
            assertThat(HEX.formatHex(receive.decryptWithAd(new byte[0], wire))).isEqualTo(MESSAGES[i][0]);
        }
    }

    @Test
    void tamperedHandshakeMessageFailsAndPoisonsTheState() throws Exception {
        NoiseXX initiator = NoiseXX.withEphemeral(true, PROLOGUE, key(INIT_STATIC), key(INIT_EPHEMERAL));
        NoiseXX responder = NoiseXX.withEphemeral(false, PROLOGUE, key(RESP_STATIC), key(RESP_EPHEMERAL));
        responder.readMessage(initiator.writeMessage(new byte[0]));
        byte[] second = responder.writeMessage(new byte[0]);
        second[40] ^= 1;
        assertThatThrownBy(() -> initiator.readMessage(second)).isInstanceOf(NoiseException.class);
        assertThatThrownBy(() -> initiator.writeMessage(new byte[0])).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void differentProloguesDoNotHandshake() throws Exception {
        NoiseXX initiator = NoiseXX.withEphemeral(true, PROLOGUE, key(INIT_STATIC), key(INIT_EPHEMERAL));
        NoiseXX responder = NoiseXX.withEphemeral(false, new byte[] {1}, key(RESP_STATIC), key(RESP_EPHEMERAL));
        responder.readMessage(initiator.writeMessage(new byte[0]));
        byte[] second = responder.writeMessage(new byte[0]);
        assertThatThrownBy(() -> initiator.readMessage(second)).isInstanceOf(NoiseException.class);
    }

    @Test
    void smallOrderEphemeralKeyIsRefused() throws Exception {
        NoiseXX responder = NoiseXX.withEphemeral(false, PROLOGUE, key(RESP_STATIC), key(RESP_EPHEMERAL));
        responder.readMessage(new byte[32]); // the all-zero point: every DH with it is zero
        assertThatThrownBy(() -> responder.writeMessage(new byte[0]))
                .isInstanceOf(NoiseException.class).hasMessageContaining("non-contributory");
    }
}
