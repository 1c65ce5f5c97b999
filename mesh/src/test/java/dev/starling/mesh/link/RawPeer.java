package dev.starling.mesh.link;

import dev.starling.mesh.identity.NodeId;
import dev.starling.mesh.identity.NodeIdentity;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * A hand-driven peer for hostile-input tests: runs the real handshake over a raw socket (recording every byte
 * it sent), then lets the test write any bytes, or frames encrypted with the real transport cipher.
 */
final class RawPeer implements AutoCloseable {
    final Socket socket;
    final DataInputStream in;
    final OutputStream out;
    final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    LinkHandshake.Established established;

    RawPeer(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        socket.setSoTimeout(5000);
        in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        OutputStream raw = socket.getOutputStream();
        out = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                sent.write(b);
                raw.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                sent.write(b, off, len);
                raw.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                raw.flush();
            }
        };
    }

    static RawPeer handshaken(int port, NodeIdentity identity, Optional<NodeId> expected) throws IOException {
        RawPeer peer = new RawPeer(port);
        peer.established = LinkHandshake.initiate(new LocalKeys(identity, new SecureRandom()), peer.in, peer.out, expected);
        return peer;
    }

    /** Encrypts a plaintext (any bytes, even an invalid frame) with the next send nonce. */
    byte[] seal(byte[] plaintext) throws IOException {
        return established.send().encryptWithAd(new byte[0], plaintext);
    }

    void sendMessage(byte[] message) throws IOException {
        MessageIO.write(out, message);
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** True when the other side closed the connection within the socket timeout. */
    boolean closedByPeer() {
        try {
            byte[] buffer = new byte[4096];
            while (true) {
                int n = in.read(buffer);
                if (n < 0) {
                    return true;
                }
            }
        } catch (IOException e) {
            return e instanceof java.net.SocketException;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
