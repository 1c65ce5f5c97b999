package dev.starling.mesh.node;

/**
 * The first byte of every link DATA frame a {@link MeshNode} sends: which layer the rest is for. A link's
 * DATA frames are untyped bytes, so this is what keeps routing packets apart from anything else that may
 * share the link later (e.g. a direct federation exchange). Unknown channels are dropped and logged.
 */
final class Channel {
    /** A routing packet ({@code routing.PacketCodec}): updates, summaries, data, acks. */
    static final byte ROUTING = 1;

    private Channel() {
    }

    static byte[] wrap(byte channel, byte[] body) {
        byte[] out = new byte[body.length + 1];
        out[0] = channel;
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }
}
