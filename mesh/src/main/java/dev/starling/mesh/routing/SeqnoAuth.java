package dev.starling.mesh.routing;

/**
 * Source authentication of sequence numbers. Every finite route entry carries its source's signature
 * over (source, seqno), so a neighbour cannot advertise a seqno the source never issued: the classic
 * distance-vector black hole (announce a victim with a newer seqno, attract its traffic, drop it) needs
 * the victim's private key. What remains possible is lying about the metric; see README.md.
 */
public interface SeqnoAuth {
    /** This node's key: the source whose seqnos {@link #signOwn} signs. */
    PeerKey self();

    /** This node's signature over its own {@code seqno}. */
    byte[] signOwn(int seqno);

    /** Whether {@code signature} is {@code source}'s valid signature over {@code seqno}. */
    boolean verify(PeerKey source, int seqno, byte[] signature);
}
