package dev.starling.mesh.link;

import dev.starling.mesh.identity.NodeId;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;

/**
 * Runs the link handshake over a byte stream: Noise XX with the identity proof ({@link LocalKeys}) as the
 * payload of messages 2 and 3, and an empty payload in message 1. Every message has one exact size, so
 * anything else is refused before Noise sees it:
 *
 * <pre>
 *   1  initiator -> responder   32 bytes   e
 *   2  responder -> initiator  193 bytes   e, enc(s), enc(proof)
 *   3  initiator -> responder  161 bytes   enc(s), enc(proof)
 * </pre>
 *
 * The initiator checks the responder's identity against the expected node after message 2, before sending
 * its own identity in message 3.
 */
final class LinkHandshake {
    static final int MESSAGE_1 = NoiseXX.DH_BYTES;
    static final int MESSAGE_2 = NoiseXX.DH_BYTES + (NoiseXX.DH_BYTES + CipherState.TAG_BYTES)
            + (LocalKeys.PROOF_BYTES + CipherState.TAG_BYTES);
    static final int MESSAGE_3 = (NoiseXX.DH_BYTES + CipherState.TAG_BYTES) + (LocalKeys.PROOF_BYTES + CipherState.TAG_BYTES);

    /** The outcome: the proven peer and the transport ciphers. */
    record Established(NodeId peer, CipherState send, CipherState receive, byte[] handshakeHash) {
        @Override
        public String toString() {
            return "Established[" + peer.shortName() + "]";
        }
    }

    private LinkHandshake() {
    }

    static Established initiate(LocalKeys keys, DataInputStream in, OutputStream out, Optional<NodeId> expected)
            throws HandshakeException {
        NoiseXX noise = NoiseXX.initiator(LocalKeys.PROLOGUE, keys.noiseStatic, keys.random);
        try {
            MessageIO.write(out, noise.writeMessage(new byte[0]));
            byte[] proof = noise.readMessage(readExactly(in, MESSAGE_2));
            NodeId peer = checkPeer(keys, LocalKeys.verify(proof, noise.remoteStatic()));
            if (expected.isPresent() && !expected.get().equals(peer)) {
                throw new HandshakeException(HandshakeException.Problem.UNEXPECTED_PEER,
                        "peer proved node " + peer.shortName() + ", expected " + expected.get().shortName());
            }
            MessageIO.write(out, noise.writeMessage(keys.proof));
            byte[] hash = noise.handshakeHash();
            CipherState[] ciphers = noise.split();
            return new Established(peer, ciphers[0], ciphers[1], hash);
        } catch (NoiseException e) {
            throw new HandshakeException(HandshakeException.Problem.NOISE, e.getMessage());
        } catch (HandshakeException e) {
            throw e;
        } catch (IOException e) {
            throw new HandshakeException(HandshakeException.Problem.IO, String.valueOf(e.getMessage()));
        }
    }

    static Established respond(LocalKeys keys, DataInputStream in, OutputStream out) throws HandshakeException {
        NoiseXX noise = NoiseXX.responder(LocalKeys.PROLOGUE, keys.noiseStatic, keys.random);
        try {
            noise.readMessage(readExactly(in, MESSAGE_1));
            MessageIO.write(out, noise.writeMessage(keys.proof));
            byte[] proof = noise.readMessage(readExactly(in, MESSAGE_3));
            NodeId peer = checkPeer(keys, LocalKeys.verify(proof, noise.remoteStatic()));
            byte[] hash = noise.handshakeHash();
            CipherState[] ciphers = noise.split();
            return new Established(peer, ciphers[0], ciphers[1], hash);
        } catch (NoiseException e) {
            throw new HandshakeException(HandshakeException.Problem.NOISE, e.getMessage());
        } catch (HandshakeException e) {
            throw e;
        } catch (IOException e) {
            throw new HandshakeException(HandshakeException.Problem.IO, String.valueOf(e.getMessage()));
        }
    }

    private static NodeId checkPeer(LocalKeys keys, NodeId peer) throws HandshakeException {
        if (peer.equals(keys.identity.nodeId())) {
            throw new HandshakeException(HandshakeException.Problem.SELF, "peer claims to be this node");
        }
        return peer;
    }

    private static byte[] readExactly(DataInputStream in, int size) throws IOException {
        try {
            byte[] message = MessageIO.read(in, size, size);
            if (message == null) {
                throw new HandshakeException(HandshakeException.Problem.IO, "connection closed during handshake");
            }
            return message;
        } catch (FrameException e) {
            throw new HandshakeException(HandshakeException.Problem.MALFORMED, e.getMessage());
        } catch (EOFException e) {
            throw new HandshakeException(HandshakeException.Problem.IO, "connection closed during handshake");
        }
    }
}
