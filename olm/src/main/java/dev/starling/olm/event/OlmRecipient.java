package dev.starling.olm.event;

/** The device an Olm event is encrypted for: its owner and its two identity keys (from {@code /keys/query}). */
public record OlmRecipient(String userId, String curve25519Key, String ed25519Key) {
    public OlmRecipient {
        if (userId == null || curve25519Key == null || ed25519Key == null) {
            throw new IllegalArgumentException("a recipient has a user ID and both keys");
        }
    }
}
