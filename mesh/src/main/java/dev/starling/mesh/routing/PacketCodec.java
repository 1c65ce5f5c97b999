package dev.starling.mesh.routing;

import dev.starling.mesh.routing.MalformedPacketException.Reason;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary wire format of routing packets, big-endian:
 *
 * <pre>
 * frame         = version:u8 (=1) type:u8 body            -- nothing may follow the body
 * UPDATE   (1)  = flags:u8 (bit 0 = reset, others 0) count:u8 (1..64) entry*count
 *   entry       = flags:u8 (bit 0 = signature follows, others 0) source:32 seqno:u16 metric:u16 [signature:64]
 *                 (a retraction, metric 0xFFFF, has no signature)
 * SUMMARY  (2)  = count:u16 digest:u64
 * DUMP_REQ (3)  = (empty)
 * SEQNO_REQ(4)  = source:32 seqno:u16 hopCount:u8 (1..64)
 * DATA     (5)  = hopSeq:u32 hopLimit:u8 (1..64) messageId:16 origin:32 destination:32 length:u32 payload
 * ACK      (6)  = hopSeq:u32
 * </pre>
 *
 * Parsing is strict: the frame is at most {@link #MAX_FRAME} bytes, every length is checked against what
 * remains, an unknown version or type is refused, and so are trailing bytes.
 */
public final class PacketCodec {
    public static final int VERSION = 1;
    static final int UPDATE = 1;
    static final int SUMMARY = 2;
    static final int DUMP_REQUEST = 3;
    static final int SEQNO_REQUEST = 4;
    static final int DATA = 5;
    static final int ACK = 6;

    static final int ENTRY_HEADER = 1 + PeerKey.LENGTH + 4;
    static final int DATA_HEADER = 2 + 4 + 1 + MessageId.LENGTH + 2 * PeerKey.LENGTH + 4;
    /** The largest valid frame: a data packet with the largest payload. */
    public static final int MAX_FRAME = DATA_HEADER + Packet.MAX_PAYLOAD;

    private PacketCodec() {}

    public static byte[] encode(Packet packet) {
        ByteBuffer b = ByteBuffer.allocate(size(packet));
        b.put((byte) VERSION);
        switch (packet) {
            case Packet.Update u -> {
                b.put((byte) UPDATE).put((byte) (u.reset() ? 1 : 0)).put((byte) u.entries().size());
                for (Packet.RouteEntry e : u.entries()) {
                    b.put((byte) (e.signature() != null ? 1 : 0));
                    putKey(b, e.source());
                    b.putShort((short) e.seqno()).putShort((short) e.metric());
                    if (e.signature() != null) {
                        b.put(e.signature());
                    }
                }
            }
            case Packet.Summary s -> b.put((byte) SUMMARY).putShort((short) s.count()).putLong(s.digest());
            case Packet.DumpRequest d -> b.put((byte) DUMP_REQUEST);
            case Packet.SeqnoRequest r -> {
                b.put((byte) SEQNO_REQUEST);
                putKey(b, r.source());
                b.putShort((short) r.seqno()).put((byte) r.hopCount());
            }
            case Packet.Data d -> {
                b.put((byte) DATA).putInt((int) d.hopSeq()).put((byte) d.hopLimit());
                b.put(d.id().bytes());
                putKey(b, d.origin());
                putKey(b, d.destination());
                b.putInt(d.payload().length).put(d.payload());
            }
            case Packet.Ack a -> b.put((byte) ACK).putInt((int) a.hopSeq());
        }
        return b.array();
    }

    /** The encoded size of {@code packet} in bytes. */
    public static int size(Packet packet) {
        return switch (packet) {
            case Packet.Update u -> {
                int n = 4;
                for (Packet.RouteEntry e : u.entries()) {
                    n += ENTRY_HEADER + (e.signature() == null ? 0 : Packet.SIGNATURE_LENGTH);
                }
                yield n;
            }
            case Packet.Summary s -> 2 + 2 + 8;
            case Packet.DumpRequest d -> 2;
            case Packet.SeqnoRequest r -> 2 + PeerKey.LENGTH + 3;
            case Packet.Data d -> DATA_HEADER + d.payload().length;
            case Packet.Ack a -> 2 + 4;
        };
    }

    /** Parses one frame, or says exactly why it is not a packet. */
    public static Packet decode(byte[] frame) throws MalformedPacketException {
        if (frame == null || frame.length == 0) {
            throw new MalformedPacketException(Reason.EMPTY, "empty frame");
        }
        if (frame.length > MAX_FRAME) {
            throw new MalformedPacketException(Reason.TOO_LARGE, "frame of " + frame.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(frame);
        int version = b.get() & 0xFF;
        if (version != VERSION) {
            throw new MalformedPacketException(Reason.UNKNOWN_VERSION, "version " + version);
        }
        try {
            int type = b.get() & 0xFF;
            Packet p = switch (type) {
                case UPDATE -> decodeUpdate(b);
                case SUMMARY -> new Packet.Summary(b.getShort() & 0xFFFF, b.getLong());
                case DUMP_REQUEST -> new Packet.DumpRequest();
                case SEQNO_REQUEST -> new Packet.SeqnoRequest(getKey(b), b.getShort() & 0xFFFF, b.get() & 0xFF);
                case DATA -> decodeData(b);
                case ACK -> new Packet.Ack(b.getInt() & 0xFFFF_FFFFL);
                default -> throw new MalformedPacketException(Reason.UNKNOWN_TYPE, "type " + type);
            };
            if (b.hasRemaining()) {
                throw new MalformedPacketException(Reason.TRAILING_BYTES, b.remaining() + " bytes after the packet");
            }
            return p;
        } catch (BufferUnderflowException e) {
            throw new MalformedPacketException(Reason.TRUNCATED, "frame of " + frame.length + " bytes ends early");
        } catch (IllegalArgumentException e) {
            throw new MalformedPacketException(Reason.BAD_FIELD, e.getMessage());
        }
    }

    private static Packet.Update decodeUpdate(ByteBuffer b) throws MalformedPacketException {
        int flags = b.get() & 0xFF;
        if ((flags & ~1) != 0) {
            throw new MalformedPacketException(Reason.BAD_FIELD, "unknown update flags " + flags);
        }
        int count = b.get() & 0xFF;
        if (count == 0 || count > Packet.MAX_UPDATE_ENTRIES) {
            throw new MalformedPacketException(Reason.BAD_FIELD, "update with " + count + " entries");
        }
        List<Packet.RouteEntry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int entryFlags = b.get() & 0xFF;
            if ((entryFlags & ~1) != 0) {
                throw new MalformedPacketException(Reason.BAD_FIELD, "unknown entry flags " + entryFlags);
            }
            PeerKey source = getKey(b);
            int seqno = b.getShort() & 0xFFFF;
            int metric = b.getShort() & 0xFFFF;
            byte[] sig = null;
            if (entryFlags == 1) {
                sig = new byte[Packet.SIGNATURE_LENGTH];
                b.get(sig);
            }
            entries.add(new Packet.RouteEntry(source, seqno, metric, sig));
        }
        return new Packet.Update(flags == 1, entries);
    }

    private static Packet.Data decodeData(ByteBuffer b) throws MalformedPacketException {
        long hopSeq = b.getInt() & 0xFFFF_FFFFL;
        int hopLimit = b.get() & 0xFF;
        byte[] id = new byte[MessageId.LENGTH];
        b.get(id);
        PeerKey origin = getKey(b);
        PeerKey destination = getKey(b);
        long length = b.getInt() & 0xFFFF_FFFFL;
        if (length > Packet.MAX_PAYLOAD || length > b.remaining()) {
            throw new MalformedPacketException(length > Packet.MAX_PAYLOAD ? Reason.TOO_LARGE : Reason.TRUNCATED,
                    "payload length " + length + " with " + b.remaining() + " bytes left");
        }
        byte[] payload = new byte[(int) length];
        b.get(payload);
        return new Packet.Data(hopSeq, hopLimit, new MessageId(id), origin, destination, payload);
    }

    private static void putKey(ByteBuffer b, PeerKey k) {
        byte[] tmp = new byte[PeerKey.LENGTH];
        k.copyTo(tmp, 0);
        b.put(tmp);
    }

    private static PeerKey getKey(ByteBuffer b) {
        byte[] k = new byte[PeerKey.LENGTH];
        b.get(k);
        return new PeerKey(k);
    }
}
