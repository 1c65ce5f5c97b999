package dev.starling.olm.sas;

/**
 * The HKDF info strings of {@code m.sas.v1} (spec: "HKDF calculation" and "MAC calculation"). Each side is
 * named by user ID, device ID and, for the SAS bytes, its ephemeral public key, so that the strings bind the
 * keys actually exchanged (SECURITY.md item 28).
 */
public final class SasInfo {
    private SasInfo() {
    }

    /** One party: user ID, device ID and its SAS public key (base64). */
    public record Party(String userId, String deviceId, String sasPublicKey) {
    }

    /**
     * The info for the SAS bytes with {@code curve25519-hkdf-sha256}:
     * {@code MATRIX_KEY_VERIFICATION_SAS|starter user|starter device|starter key|accepter user|accepter
     * device|accepter key|transaction ID}, where the starter sent {@code m.key.verification.start}.
     */
    public static String sas(Party starter, Party accepter, String transactionId) {
        return "MATRIX_KEY_VERIFICATION_SAS|" + starter.userId() + "|" + starter.deviceId() + "|"
                + starter.sasPublicKey() + "|" + accepter.userId() + "|" + accepter.deviceId() + "|"
                + accepter.sasPublicKey() + "|" + transactionId;
    }

    /**
     * The info for the MAC of one key: {@code MATRIX_KEY_VERIFICATION_MAC} + sender user + sender device +
     * receiver user + receiver device + transaction ID + key ID (e.g. {@code ed25519:DEVICE}), where the sender
     * is the one sending {@code m.key.verification.mac}.
     */
    public static String mac(String senderUser, String senderDevice, String receiverUser, String receiverDevice,
            String transactionId, String keyId) {
        return "MATRIX_KEY_VERIFICATION_MAC" + senderUser + senderDevice + receiverUser + receiverDevice
                + transactionId + keyId;
    }

    /** The info for the MAC of the sorted, comma-separated key IDs: as {@link #mac} with {@code KEY_IDS}. */
    public static String keyIds(String senderUser, String senderDevice, String receiverUser, String receiverDevice,
            String transactionId) {
        return mac(senderUser, senderDevice, receiverUser, receiverDevice, transactionId, "KEY_IDS");
    }
}
