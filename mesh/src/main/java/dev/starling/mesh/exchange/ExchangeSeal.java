package dev.starling.mesh.exchange;

import dev.starling.mesh.identity.NodeId;
import dev.starling.mesh.identity.NodeIdentity;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * End-to-end authentication of exchange messages that cross relays: the sender signs each whole message (before
 * fragmentation) with its node key, bound to its kind, request ID, sender and recipient; the recipient checks it
 * against the key of the node the carrier says it came from. A relay on a multi-hop route can then neither
 * forge nor alter an answer (or a request), nor replay one to another node or as another kind. It does not
 * hide the content from relays (see the mesh README, "exchange").
 *
 * <pre>
 * sealed = message | signature (64) over: "starling-exchange-v1" 0x00 | kind (1) | id (8) | sender key (32)
 *          | recipient key (32) | message
 * </pre>
 */
final class ExchangeSeal {
    private static final byte[] CONTEXT = "starling-exchange-v1\0".getBytes(StandardCharsets.US_ASCII);

    private ExchangeSeal() {
    }

    static byte[] seal(NodeIdentity self, byte kind, long id, NodeId recipient, byte[] message) {
        byte[] signature = self.sign(signed(kind, id, self.nodeId(), recipient, message));
        byte[] out = Arrays.copyOf(message, message.length + NodeId.SIGNATURE_BYTES);
        System.arraycopy(signature, 0, out, message.length, signature.length);
        return out;
    }

    /** The message inside {@code sealed}, once its signature by {@code sender} checks. */
    static byte[] open(NodeId sender, byte kind, long id, NodeId self, byte[] sealed)
            throws MalformedMessageException {
        if (sealed.length < NodeId.SIGNATURE_BYTES) {
            throw new MalformedMessageException("message without a signature");
        }
        byte[] message = Arrays.copyOf(sealed, sealed.length - NodeId.SIGNATURE_BYTES);
        byte[] signature = Arrays.copyOfRange(sealed, message.length, sealed.length);
        if (!sender.verify(signed(kind, id, sender, self, message), signature)) {
            throw new MalformedMessageException("bad signature");
        }
        return message;
    }

    private static byte[] signed(byte kind, long id, NodeId sender, NodeId recipient, byte[] message) {
        return ByteBuffer.allocate(CONTEXT.length + 1 + 8 + 2 * NodeId.KEY_BYTES + message.length)
                .put(CONTEXT).put(kind).putLong(id).put(sender.publicKey()).put(recipient.publicKey()).put(message)
                .array();
    }
}
