package dev.starling.server.media;

import dev.starling.protocol.id.UserId;
import java.util.Optional;

/**
 * One media ID's row: who created it and when, and, once its content has arrived, the content's type, upload
 * name, size and hash. A media ID from {@code POST /create} has no content until its {@code PUT /upload}.
 */
record Media(MediaId mediaId, UserId uploader, long createdTs, Optional<Content> content) {
    /** What was uploaded. */
    record Content(String contentType, Optional<String> uploadName, long size, ContentHash sha256, long uploadedTs) {}
}
