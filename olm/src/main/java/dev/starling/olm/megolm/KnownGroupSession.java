package dev.starling.olm.megolm;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An inbound group session with what we know of its origin: the room, the sender's Curve25519 key, the
 * Ed25519 key the sender claimed (from the Olm payload for {@code m.room_key}, from
 * {@code sender_claimed_ed25519_key} for a forward), the forwarding chain, and whether it came directly from
 * the sender over Olm. It also remembers which event was seen at each index, to refuse a second, different
 * event at a known index (a replay). Not thread-safe.
 */
public final class KnownGroupSession {
    private final InboundGroupSession session;
    private final String roomId;
    private final String senderKey;
    private final String claimedEd25519Key;
    private final List<String> forwardingChain;
    private final Map<Long, String> seenEvents = new HashMap<>();

    public KnownGroupSession(InboundGroupSession session, String roomId, String senderKey, String claimedEd25519Key,
            List<String> forwardingChain) {
        this.session = session;
        this.roomId = roomId;
        this.senderKey = senderKey;
        this.claimedEd25519Key = claimedEd25519Key;
        this.forwardingChain = List.copyOf(forwardingChain);
    }

    public InboundGroupSession session() {
        return session;
    }

    public String roomId() {
        return roomId;
    }

    public String senderKey() {
        return senderKey;
    }

    public String claimedEd25519Key() {
        return claimedEd25519Key;
    }

    /** The Curve25519 keys of the devices that forwarded this key, oldest first; empty when direct. */
    public List<String> forwardingChain() {
        return forwardingChain;
    }

    /** Whether the key came directly from its sender over Olm (no forwarding). */
    public boolean isDirect() {
        return forwardingChain.isEmpty();
    }

    /**
     * Records that {@code eventKey} (event ID, or event ID and timestamp) was decrypted at {@code index}.
     *
     * @throws MegolmException {@code REPLAYED_INDEX} when another event was seen at that index
     */
    void recordIndex(long index, String eventKey) {
        String seen = seenEvents.putIfAbsent(index, eventKey);
        if (seen != null && !seen.equals(eventKey)) {
            throw new MegolmException(MegolmException.Problem.REPLAYED_INDEX, "index " + index + " of session "
                    + session.sessionId() + " was already used by another event");
        }
    }

    /** The event recorded at {@code index}, or null. */
    public String eventAt(long index) {
        return seenEvents.get(index);
    }

    @Override
    public String toString() {
        return "KnownGroupSession[" + roomId + " " + session.sessionId() + " from " + senderKey + "]";
    }
}
