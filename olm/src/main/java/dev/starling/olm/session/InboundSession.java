package dev.starling.olm.session;

/** A session created from a pre-key message, with that message's plaintext (the caller wipes it when done). */
public record InboundSession(Session session, byte[] plaintext) {
    @Override
    public String toString() {
        return "InboundSession[" + session + "]";
    }
}
