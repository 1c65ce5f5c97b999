package dev.starling.mesh.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A file of records, only ever appended to: {@code length:u32 crc32c:u32 body}. On open every record is
 * replayed in order; a torn or corrupt tail (a crash mid-append) is cut off at the last whole record, so
 * a record is either fully there or not at all. {@link #rewrite} compacts by writing the live records to a
 * new file and renaming it over the old one (atomic on POSIX file systems). Not thread-safe.
 */
final class AppendLog implements AutoCloseable {
    /** Receives each record body on replay, with the file offset where the body starts. */
    interface Replay {
        void record(ByteBuffer body, long bodyOffset);
    }

    static final int HEADER = 8;
    private static final int MAX_RECORD = 16 * 1024 * 1024;

    private final Path path;
    private final boolean sync;
    private FileChannel channel;
    private long size;

    private AppendLog(Path path, boolean sync) {
        this.path = path;
        this.sync = sync;
    }

    /** Opens (creating if needed) and replays the log; returns the number of bytes cut from a torn tail. */
    static AppendLog open(Path path, boolean sync, Replay replay) throws IOException {
        AppendLog log = new AppendLog(path, sync);
        log.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long fileSize = log.channel.size();
        long pos = 0;
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        while (pos + HEADER <= fileSize) {
            header.clear();
            readFully(log.channel, header, pos);
            int length = header.getInt(0);
            int crc = header.getInt(4);
            if (length < 1 || length > MAX_RECORD || pos + HEADER + length > fileSize) {
                break;
            }
            ByteBuffer body = ByteBuffer.allocate(length);
            readFully(log.channel, body, pos + HEADER);
            if (crc(body.array()) != crc) {
                break;
            }
            body.flip();
            replay.record(body, pos + HEADER);
            pos += HEADER + length;
        }
        if (pos < fileSize) {
            System.getLogger(AppendLog.class.getName()).log(System.Logger.Level.WARNING,
                    "mesh store log cut torn tail file={0} bytes={1}", path.getFileName(), fileSize - pos);
            log.channel.truncate(pos);
            log.channel.force(true);
        }
        log.size = pos;
        return log;
    }

    /** Appends one record (durably if the log syncs) and returns the offset of its body. */
    long append(byte[] body) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(HEADER + body.length);
        b.putInt(body.length).putInt(crc(body)).put(body).flip();
        long at = size;
        while (b.hasRemaining()) {
            channel.write(b, at + b.position());
        }
        size += HEADER + body.length;
        if (sync) {
            channel.force(false);
        }
        return at + HEADER;
    }

    byte[] read(long offset, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        readFully(channel, b, offset);
        return b.array();
    }

    long size() {
        return size;
    }

    /**
     * Replaces the whole log with {@code bodies}; returns each body's new offset. On failure the old file
     * is still complete.
     */
    long[] rewrite(List<byte[]> bodies) throws IOException {
        Path tmp = path.resolveSibling(path.getFileName() + ".compact");
        long[] offsets = new long[bodies.size()];
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long pos = 0;
            for (int i = 0; i < bodies.size(); i++) {
                byte[] body = bodies.get(i);
                ByteBuffer b = ByteBuffer.allocate(HEADER + body.length);
                b.putInt(body.length).putInt(crc(body)).put(body).flip();
                while (b.hasRemaining()) {
                    out.write(b, pos + b.position());
                }
                offsets[i] = pos + HEADER;
                pos += HEADER + body.length;
            }
            out.force(true);
        }
        channel.close();
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        size = channel.size();
        return offsets;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static int crc(byte[] body) {
        CRC32C c = new CRC32C();
        c.update(body);
        return (int) c.getValue();
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos + b.position());
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }
}
