package dev.starling.mesh.link;

import java.util.Optional;

/** The type byte of a link frame (first plaintext byte of every transport message). */
public enum FrameType {
    /** Application data for the layer above (routing). */
    DATA(1),
    /** Empty; keeps an idle link alive and proves the peer is still there. */
    KEEPALIVE(2),
    /** One reason byte; the sender closes the link after it. */
    CLOSE(3);

    private final int code;

    FrameType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<FrameType> fromCode(int code) {
        for (FrameType type : values()) {
            if (type.code == code) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
