package dev.starling.server.media;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The media files under {@code <data_dir>/media/}: content by SHA-256 in a two-level fan-out
 * ({@code content/ab/cd/abcd…}), thumbnails beside it ({@code thumbnails/ab/cd/abcd…-32x32-crop.png}), and
 * {@code tmp/} for uploads in progress. A path is made only of a {@link ContentHash} and numbers the server
 * computed, never of a request string (SECURITY.md item 22). A file is written to {@code tmp/}, forced to
 * disk, then renamed into place atomically, so a reader never sees half a file; identical content is stored
 * once. Thread-safe.
 */
final class MediaFiles {
    private final Path content;
    private final Path thumbnails;
    private final Path tmp;

    /** Media under {@code root}, creating its folders; leftovers in {@code tmp/} from a crash are removed. */
    MediaFiles(Path root) throws IOException {
        this.content = root.resolve("content");
        this.thumbnails = root.resolve("thumbnails");
        this.tmp = root.resolve("tmp");
        Files.createDirectories(content);
        Files.createDirectories(thumbnails);
        Files.createDirectories(tmp);
        try (var leftovers = Files.list(tmp)) {
            for (Path leftover : leftovers.toList()) {
                Files.deleteIfExists(leftover);
            }
        }
    }

    /** What {@link #store} wrote. */
    record Stored(ContentHash sha256, long size) {}

    /**
     * Copies {@code in} to a temporary file while hashing it, then moves it to its content address (or drops
     * it if that content is already stored). The temporary file is removed whatever happens, including when
     * {@code in} throws because the body passed the upload limit.
     */
    Stored store(InputStream in) throws IOException {
        Path temp = Files.createTempFile(tmp, "upload-", ".part");
        try {
            MessageDigest sha256 = sha256();
            long size;
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
                    OutputStream out = new DigestOutputStream(Channels.newOutputStream(channel), sha256)) {
                size = in.transferTo(out);
                out.flush();
                channel.force(true);
            }
            ContentHash hash = ContentHash.of(sha256.digest());
            Path target = contentPath(hash);
            if (!Files.exists(target)) {
                moveIntoPlace(temp, target);
            }
            return new Stored(hash, size);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The stored file with this content, if present. */
    Optional<Path> content(ContentHash hash) {
        Path path = contentPath(hash);
        return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
    }

    /** A cached thumbnail, if present. */
    Optional<Path> thumbnail(ThumbnailKey key) {
        Path path = thumbnailPath(key);
        return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
    }

    /** Stores a rendered thumbnail in the cache (atomically; a concurrent render of the same key is harmless). */
    Path storeThumbnail(ThumbnailKey key, byte[] bytes) throws IOException {
        Path target = thumbnailPath(key);
        Path temp = Files.createTempFile(tmp, "thumbnail-", ".part");
        try {
            Files.write(temp, bytes);
            moveIntoPlace(temp, target);
            return target;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private Path contentPath(ContentHash hash) {
        return fanOut(content, hash).resolve(hash.hex());
    }

    private Path thumbnailPath(ThumbnailKey key) {
        return fanOut(thumbnails, key.source()).resolve(key.fileName());
    }

    private static Path fanOut(Path base, ContentHash hash) {
        String hex = hash.hex();
        return base.resolve(hex.substring(0, 2)).resolve(hex.substring(2, 4));
    }

    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException sameContent) {
            // Another upload of the same bytes won the race: its file is ours too.
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the media folder must be on one file system", e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
