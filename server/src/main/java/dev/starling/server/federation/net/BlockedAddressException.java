package dev.starling.server.federation.net;

import java.io.IOException;

/** A connection refused because every address of the host is in the {@link IpBlocklist}. */
public final class BlockedAddressException extends IOException {
    public BlockedAddressException(String message) {
        super(message);
    }
}
