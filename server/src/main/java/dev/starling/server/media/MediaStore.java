package dev.starling.server.media;

import dev.starling.protocol.id.UserId;
import dev.starling.server.storage.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Objects;
import java.util.Optional;

/** The {@code media} table: one row per media ID. Thread-safe; every method is one transaction. */
final class MediaStore {
    private final Database db;

    MediaStore(Database db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    /** Records a media ID with its content (POST /upload), after the file is stored. */
    void insertUploaded(MediaId id, UserId uploader, long createdTs, Media.Content content) {
        db.inTransaction(c -> {
            insert(c, id, uploader, createdTs, Optional.of(content));
            return null;
        });
    }

    /** Records a media ID whose content comes later (POST /create). */
    void insertPending(MediaId id, UserId uploader, long createdTs) {
        db.inTransaction(c -> {
            insert(c, id, uploader, createdTs, Optional.empty());
            return null;
        });
    }

    /**
     * Attaches content to a pending media ID of {@code uploader}. Returns false if the ID is not pending for
     * that user any more (a concurrent upload won): the spec's 409 M_CANNOT_OVERWRITE_MEDIA.
     */
    boolean attachContent(MediaId id, UserId uploader, Media.Content content) {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    UPDATE media SET content_type = ?, upload_name = ?, size_bytes = ?, sha256 = ?, uploaded_ts = ?
                    WHERE media_id = ? AND uploader = ? AND sha256 IS NULL""")) {
                setContent(s, 1, content);
                s.setString(6, id.value());
                s.setString(7, uploader.value());
                return s.executeUpdate() == 1;
            }
        });
    }

    /** The row of a media ID, if it exists. */
    Optional<Media> find(MediaId id) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT uploader, created_ts, content_type, upload_name, size_bytes, sha256, uploaded_ts
                    FROM media WHERE media_id = ?""")) {
                s.setString(1, id.value());
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return Optional.empty();
                    }
                    Optional<Media.Content> content = Optional.empty();
                    String hash = r.getString(6);
                    if (hash != null) {
                        content = Optional.of(new Media.Content(r.getString(3), Optional.ofNullable(r.getString(4)),
                                r.getLong(5), new ContentHash(hash), r.getLong(7)));
                    }
                    return Optional.of(new Media(id, UserId.parse(r.getString(1)), r.getLong(2), content));
                }
            }
        });
    }

    /** How many media IDs {@code uploader} created at or after {@code sinceTs} that still have no content. */
    int countPending(UserId uploader, long sinceTs) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT COUNT(*) FROM media WHERE uploader = ? AND created_ts >= ? AND sha256 IS NULL""")) {
                s.setString(1, uploader.value());
                s.setLong(2, sinceTs);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    return r.getInt(1);
                }
            }
        });
    }

    private static void insert(Connection c, MediaId id, UserId uploader, long createdTs,
            Optional<Media.Content> content) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO media (content_type, upload_name, size_bytes, sha256, uploaded_ts,
                                   media_id, uploader, created_ts)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")) {
            if (content.isPresent()) {
                setContent(s, 1, content.get());
            } else {
                s.setNull(1, Types.VARCHAR);
                s.setNull(2, Types.VARCHAR);
                s.setNull(3, Types.BIGINT);
                s.setNull(4, Types.VARCHAR);
                s.setNull(5, Types.BIGINT);
            }
            s.setString(6, id.value());
            s.setString(7, uploader.value());
            s.setLong(8, createdTs);
            s.executeUpdate();
        }
    }

    private static void setContent(PreparedStatement s, int first, Media.Content content) throws SQLException {
        s.setString(first, content.contentType());
        if (content.uploadName().isPresent()) {
            s.setString(first + 1, content.uploadName().get());
        } else {
            s.setNull(first + 1, Types.VARCHAR);
        }
        s.setLong(first + 2, content.size());
        s.setString(first + 3, content.sha256().hex());
        s.setLong(first + 4, content.uploadedTs());
    }
}
