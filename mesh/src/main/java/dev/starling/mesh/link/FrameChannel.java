package dev.starling.mesh.link;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Frames over an established link: each frame is encrypted as one Noise transport message (empty associated
 * data, implicit counter nonce) and sent with {@link MessageIO}'s 2-byte length prefix. Because nonces are
 * implicit, a replayed, reordered, dropped or altered message fails authentication and the link closes.
 */
final class FrameChannel {
    private FrameChannel() {
    }

    /** The largest wire message for frames of at most {@code maxPayload} bytes of body. */
    static int maxWire(int maxPayload) {
        return 1 + maxPayload + CipherState.TAG_BYTES;
    }

    /**
     * Reads, authenticates and parses one frame; null at a clean end of stream. The length prefix is checked
     * against {@code maxPayload} before anything is allocated.
     */
    static Frame read(DataInputStream in, CipherState receive, int maxPayload) throws IOException {
        byte[] message = MessageIO.read(in, 1 + CipherState.TAG_BYTES, maxWire(maxPayload));
        if (message == null) {
            return null;
        }
        byte[] plaintext = receive.decryptWithAd(new byte[0], message);
        return Frame.decode(plaintext);
    }

    static void write(OutputStream out, CipherState send, Frame frame) throws IOException {
        MessageIO.write(out, send.encryptWithAd(new byte[0], frame.encode()));
    }
}
