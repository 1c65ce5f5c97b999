package dev.starling.mesh.link;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;

class FrameFuzzTest {
    private static final byte[] KEY = new byte[32];

    /**
     * Any byte stream read as link frames either yields well-formed frames or fails with an IOException
     * (oversized, malformed, failed authentication, truncated): never another exception, never a frame over
     * the limit. Half the inputs are sealed with the real cipher so that parsing past the MAC is reached.
     */
    @FuzzTest(maxDuration = "60s")
    void framesParseOrAreRefusedWithAnIoException(FuzzedDataProvider data) throws IOException {
        int maxPayload = data.consumeInt(1, Frame.MAX_BODY);
        boolean seal = data.consumeBoolean();
        byte[] stream;
        if (seal) {
            byte[] plaintext = data.consumeBytes(Math.min(maxPayload + 1, 4096));
            byte[] sealed = new CipherState(KEY).encryptWithAd(new byte[0], plaintext);
            stream = new byte[2 + sealed.length];
            stream[0] = (byte) (sealed.length >>> 8);
            stream[1] = (byte) sealed.length;
            System.arraycopy(sealed, 0, stream, 2, sealed.length);
        } else {
            stream = data.consumeRemainingAsBytes();
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(stream));
        CipherState receive = new CipherState(KEY);
        try {
            for (int i = 0; i < 64; i++) {
                Frame frame = FrameChannel.read(in, receive, maxPayload);
                if (frame == null) {
                    return;
                }
                assertThat(frame.body().length).isLessThanOrEqualTo(maxPayload);
                assertThat(Frame.decode(frame.encode())).isEqualTo(frame);
            }
        } catch (IOException refused) {
            assertThat(refused).isNotNull();
        }
    }
}
