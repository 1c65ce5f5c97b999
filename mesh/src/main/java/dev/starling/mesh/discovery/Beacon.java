package dev.starling.mesh.discovery;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A LAN discovery beacon: says only "a Starling node accepts links on this TCP port". It carries no
 * long-term identity and no name: the token is random and rotates (see README.md); the node's identity is
 * proven only inside the encrypted link handshake. Fixed size, 24 bytes:
 *
 * <pre>
 *   magic "STRL" (4) | version (1) = 1 | flags (1) = 0 | TCP port (2, big-endian, 1..65535) | token (16)
 * </pre>
 *
 * Immutable.
 */
public record Beacon(int tcpPort, byte[] token) {
    public static final int VERSION = 1;
    public static final int TOKEN_BYTES = 16;
    public static final int SIZE = 4 + 1 + 1 + 2 + TOKEN_BYTES;
    private static final byte[] MAGIC = {'S', 'T', 'R', 'L'};

    public Beacon {
        if (tcpPort < 1 || tcpPort > 65535) {
            throw new IllegalArgumentException("TCP port out of range");
        }
        if (token == null || token.length != TOKEN_BYTES) {
            throw new IllegalArgumentException("a beacon token is " + TOKEN_BYTES + " bytes");
        }
        token = token.clone();
    }

    @Override
    public byte[] token() {
        return token.clone();
    }

    boolean hasToken(byte[] other) {
        return MessageDigest.isEqual(token, other);
    }

    public byte[] encode() {
        return ByteBuffer.allocate(SIZE).put(MAGIC).put((byte) VERSION).put((byte) 0)
                .putShort((short) tcpPort).put(token).array();
    }

    /** Parses a datagram; empty for anything that is not exactly a version-1 beacon. Never throws. */
    public static Optional<Beacon> parse(byte[] data, int offset, int length) {
        if (data == null || offset < 0 || length != SIZE || offset > data.length - SIZE) {
            return Optional.empty();
        }
        if (!Arrays.equals(data, offset, offset + 4, MAGIC, 0, 4)
                || data[offset + 4] != VERSION || data[offset + 5] != 0) {
            return Optional.empty();
        }
        int port = ((data[offset + 6] & 0xff) << 8) | (data[offset + 7] & 0xff);
        if (port == 0) {
            return Optional.empty();
        }
        return Optional.of(new Beacon(port, Arrays.copyOfRange(data, offset + 8, offset + SIZE)));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Beacon that && tcpPort == that.tcpPort && Arrays.equals(token, that.token);
    }

    @Override
    public int hashCode() {
        return 31 * tcpPort + Arrays.hashCode(token);
    }

    @Override
    public String toString() {
        return "Beacon[port=" + tcpPort + ", token=" + HexFormat.of().formatHex(token, 0, 4) + "…]";
    }
}
