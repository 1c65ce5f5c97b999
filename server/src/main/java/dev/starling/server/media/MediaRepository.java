package dev.starling.server.media;

import dev.starling.protocol.id.UserId;
import dev.starling.server.http.ErrorCode;
import dev.starling.server.http.MatrixException;
import dev.starling.server.storage.Database;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The content repository of this server's own media (Client-Server API § Content repository): uploads
 * streamed to content-addressed files (see {@link MediaFiles}) with their metadata in the {@code media}
 * table, media IDs created ahead of their content, reads, and cached thumbnails. Remote media needs
 * federation and is not served yet. Thread-safe.
 */
public final class MediaRepository {
    private static final Logger LOG = LoggerFactory.getLogger(MediaRepository.class);

    /** POST /create: how long a media ID waits for its content (the spec's recommended 24 hours). */
    static final Duration UNUSED_EXPIRY = Duration.ofHours(24);
    /** POST /create: pending media IDs per user; the spec asks servers to limit them (429 M_LIMIT_EXCEEDED). */
    static final int MAX_PENDING_PER_USER = 20;
    /** Downloads of pending media wait {@code timeout_ms}: 20 s by default (spec), at most 60 s (Synapse's cap). */
    static final long DEFAULT_TIMEOUT_MS = 20_000;
    static final long MAX_TIMEOUT_MS = 60_000;
    private static final long POLL_MS = 100;

    private final MediaStore store;
    private final MediaFiles files;
    private final Thumbnailer thumbnailer;
    private final long maxUploadSize;
    private final Clock clock;
    private final SecureRandom random;

    /**
     * @param mediaDir {@code <data_dir>/media}, created if missing
     * @param maxUploadSize the largest upload in bytes ({@code max_upload_size})
     * @param maxImagePixels the largest image thumbnails are made of, in pixels
     */
    public MediaRepository(Database db, Path mediaDir, long maxUploadSize, long maxImagePixels, Clock clock,
            SecureRandom random) {
        this.store = new MediaStore(db);
        try {
            this.files = new MediaFiles(mediaDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the media folder " + mediaDir, e);
        }
        this.thumbnailer = new Thumbnailer(maxImagePixels);
        if (maxUploadSize <= 0) {
            throw new IllegalArgumentException("maxUploadSize is positive");
        }
        this.maxUploadSize = maxUploadSize;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** The default pixel cap for thumbnails (32 megapixels, as Synapse). */
    public static long defaultMaxImagePixels() {
        return Thumbnailer.DEFAULT_MAX_PIXELS;
    }

    public long maxUploadSize() {
        return maxUploadSize;
    }

    /** Stores an upload and gives it a new media ID (POST /upload). */
    MediaId upload(UserId uploader, String contentType, Optional<String> uploadName, InputStream body) {
        MediaFiles.Stored stored = storeFile(body);
        MediaId id = MediaId.random(random);
        long now = clock.millis();
        store.insertUploaded(id, uploader, now,
                new Media.Content(contentType, uploadName, stored.size(), stored.sha256(), now));
        LOG.info("media uploaded media_id={} user_id={} size={}", id, uploader, stored.size());
        return id;
    }

    /** A media ID created ahead of its content, and when it expires (POST /create). */
    record Created(MediaId mediaId, long unusedExpiresAt) {}

    Created create(UserId uploader) {
        long now = clock.millis();
        if (store.countPending(uploader, now - UNUSED_EXPIRY.toMillis()) >= MAX_PENDING_PER_USER) {
            throw MatrixException.limitExceeded(UNUSED_EXPIRY.toMillis() / 24);
        }
        MediaId id = MediaId.random(random);
        store.insertPending(id, uploader, now);
        return new Created(id, now + UNUSED_EXPIRY.toMillis());
    }

    /**
     * Stores the content of a media ID from {@link #create} (PUT /upload/{serverName}/{mediaId}). Checked
     * before a byte is read: 404 unknown or expired, 403 created by someone else, 409 already uploaded.
     */
    void uploadTo(UserId uploader, MediaId id, String contentType, Optional<String> uploadName, InputStream body) {
        Media media = store.find(id).orElseThrow(() -> MatrixException.notFound("unknown media ID"));
        if (!media.uploader().equals(uploader)) {
            throw MatrixException.forbidden("this media ID was created by another user");
        }
        if (media.content().isPresent()) {
            throw new MatrixException(ErrorCode.M_CANNOT_OVERWRITE_MEDIA, "media already uploaded");
        }
        if (clock.millis() > media.createdTs() + UNUSED_EXPIRY.toMillis()) {
            throw MatrixException.notFound("the media ID has expired");
        }
        MediaFiles.Stored stored = storeFile(body);
        Media.Content content = new Media.Content(contentType, uploadName, stored.size(), stored.sha256(),
                clock.millis());
        if (!store.attachContent(id, uploader, content)) {
            throw new MatrixException(ErrorCode.M_CANNOT_OVERWRITE_MEDIA, "media already uploaded");
        }
        LOG.info("media uploaded media_id={} user_id={} size={}", id, uploader, stored.size());
    }

    /** Content that can be served: its metadata and its file. */
    record Available(Media.Content content, Path file) {}

    /**
     * The content of a local media ID, waiting up to {@code timeoutMs} for a pending one.
     *
     * @throws MatrixException 404 M_NOT_FOUND if unknown; 504 M_NOT_YET_UPLOADED if still pending
     */
    Available content(MediaId id, long timeoutMs) {
        long deadline = clock.millis() + Math.min(Math.max(0, timeoutMs), MAX_TIMEOUT_MS);
        while (true) {
            Media media = store.find(id).orElseThrow(() -> MatrixException.notFound("media not found"));
            if (media.content().isPresent()) {
                Media.Content content = media.content().get();
                Path file = files.content(content.sha256()).orElseThrow(() -> {
                    LOG.warn("media file missing media_id={} sha256={}", id, content.sha256());
                    return MatrixException.notFound("media not found");
                });
                return new Available(content, file);
            }
            if (clock.millis() + POLL_MS > deadline
                    || clock.millis() > media.createdTs() + UNUSED_EXPIRY.toMillis()) {
                throw new MatrixException(ErrorCode.M_NOT_YET_UPLOADED, "content has not yet been uploaded");
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MatrixException(ErrorCode.M_NOT_YET_UPLOADED, "content has not yet been uploaded");
            }
        }
    }

    /** A thumbnail to serve: a file and its content type (the original, or a rendered thumbnail). */
    record Thumbnail(Path file, String contentType) {}

    /**
     * A thumbnail of local media at least {@code width}×{@code height} (or the original when it is smaller),
     * rendered once per source, size and method, then served from the cache.
     *
     * @throws MatrixException 400 M_UNKNOWN for content that is not an allowed image; 413 M_TOO_LARGE above
     *     the pixel cap
     */
    Thumbnail thumbnail(MediaId id, int width, int height, ThumbnailMethod method, long timeoutMs) {
        Available available = content(id, timeoutMs);
        ThumbnailFormat format = ThumbnailFormat.ofContentType(available.content().contentType())
                .orElseThrow(Thumbnailer::notAnImage);
        Thumbnailer.Plan plan = thumbnailer.plan(available.file(), format, width, height, method);
        if (plan instanceof Thumbnailer.Plan.Render(int w, int h)) {
            ThumbnailKey key = new ThumbnailKey(available.content().sha256(), w, h, method, format.output());
            Optional<Path> cached = files.thumbnail(key);
            if (cached.isPresent()) {
                return new Thumbnail(cached.get(), format.output().contentType());
            }
            byte[] bytes = thumbnailer.render(available.file(), format, w, h, method);
            try {
                Path file = files.storeThumbnail(key, bytes);
                LOG.info("thumbnail rendered media_id={} width={} height={} method={}", id, w, h, method.wireName());
                return new Thumbnail(file, format.output().contentType());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot store a thumbnail", e);
            }
        }
        return new Thumbnail(available.file(), format.contentType());
    }

    private MediaFiles.Stored storeFile(InputStream body) {
        try (body) {
            return files.store(body);
        } catch (IOException e) {
            // The request stream reports client faults as MatrixException, so this is our disk.
            throw new UncheckedIOException("cannot store an upload", e);
        }
    }
}
