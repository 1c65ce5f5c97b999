package dev.starling.mesh.link;

import java.io.IOException;

/** A handshake or transport message that fails Noise processing (bad MAC, wrong length, exhausted nonce). */
final class NoiseException extends IOException {
    private static final long serialVersionUID = 1L;

    NoiseException(String message) {
        super(message);
    }
}
