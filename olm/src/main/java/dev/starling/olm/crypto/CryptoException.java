package dev.starling.olm.crypto;

/**
 * A primitive refused its input (a wrong length, a non-contributory key agreement, a bad padding). The message
 * names the problem and never carries key material or plaintext.
 */
public final class CryptoException extends RuntimeException {
    public CryptoException(String message) {
        super(message);
    }
}
