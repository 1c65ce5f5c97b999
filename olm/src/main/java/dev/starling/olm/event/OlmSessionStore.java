package dev.starling.olm.event;

import dev.starling.olm.session.Session;
import java.util.List;

/** Where the caller keeps its Olm sessions, per peer device Curve25519 key. */
public interface OlmSessionStore {
    /** The sessions with the device of this Curve25519 key, the most recently used first. */
    List<Session> sessions(String peerCurve25519Key);

    /** Called after a session decrypted a message (new or existing): persist it and mark it most recently used. */
    void save(String peerCurve25519Key, Session session);
}
