package dev.starling.mesh.link;

import java.io.IOException;

/** Sending on a link that is closed (or closed while sending). */
public final class LinkClosedException extends IOException {
    private static final long serialVersionUID = 1L;

    public LinkClosedException(String message) {
        super(message);
    }
}
