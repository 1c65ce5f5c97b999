package dev.starling.server.media;

import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.server.http.BinaryBody;
import dev.starling.server.http.MatrixException;
import dev.starling.server.http.MatrixRequest;
import dev.starling.server.http.MatrixResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The content repository's HTTP handlers (Client-Server API § Content repository). The same handlers serve
 * the deprecated {@code /_matrix/media/v3/*} paths (and {@code r0}, which the router maps to {@code v3}) and
 * the authenticated {@code /_matrix/client/v1/media/*} ones; only the route table's access flags differ.
 */
public final class MediaApi {
    /** Longer upload names are refused; Synapse stores any, but a header line has to end somewhere. */
    static final int MAX_UPLOAD_NAME = 255;

    private final ServerName serverName;
    private final MediaRepository repository;

    public MediaApi(ServerName serverName, MediaRepository repository) {
        this.serverName = Objects.requireNonNull(serverName, "serverName");
        this.repository = Objects.requireNonNull(repository, "repository");
    }

    /** The upload limit, for the upload routes' body limit. */
    public long maxUploadSize() {
        return repository.maxUploadSize();
    }

    /** POST /_matrix/media/v3/upload — Client-Server API § Content repository (upload). */
    public MatrixResponse upload(MatrixRequest request) {
        UserId user = request.requireDevice().userId();
        Optional<String> name = uploadName(request);
        String contentType = MediaHeaders.uploadedContentType(request.header("Content-Type"));
        MediaId id = repository.upload(user, contentType, name, request.bodyStream());
        return MatrixResponse.ok(Map.of("content_uri", mxc(id)));
    }

    /** POST /_matrix/media/v1/create — Client-Server API § Content repository (create, v1.7). */
    public MatrixResponse create(MatrixRequest request) {
        MediaRepository.Created created = repository.create(request.requireDevice().userId());
        return MatrixResponse.ok(Map.of("content_uri", mxc(created.mediaId()),
                "unused_expires_at", created.unusedExpiresAt()));
    }

    /** PUT /_matrix/media/v3/upload/{serverName}/{mediaId} — Client-Server API § Content repository (v1.7). */
    public MatrixResponse uploadTo(MatrixRequest request) {
        UserId user = request.requireDevice().userId();
        MediaId id = localMediaId(request);
        Optional<String> name = uploadName(request);
        String contentType = MediaHeaders.uploadedContentType(request.header("Content-Type"));
        repository.uploadTo(user, id, contentType, name, request.bodyStream());
        return MatrixResponse.empty();
    }

    /**
     * GET /_matrix/client/v1/media/download/{serverName}/{mediaId}[/{fileName}] — Client-Server API § Content
     * repository (authenticated media, v1.11); also the deprecated GET /_matrix/media/v3/download/...
     */
    public MatrixResponse download(MatrixRequest request) {
        MediaId id = localMediaId(request);
        MediaRepository.Available available = repository.content(id, timeoutMs(request));
        Optional<String> fileName = Optional.ofNullable(request.pathParams().get("fileName"))
                .filter(s -> !s.isEmpty())
                .or(() -> available.content().uploadName());
        return file(available.file(), MediaHeaders.download(available.content().contentType(), fileName));
    }

    /**
     * GET /_matrix/client/v1/media/thumbnail/{serverName}/{mediaId} — Client-Server API § Thumbnails
     * (authenticated media, v1.11); also the deprecated GET /_matrix/media/v3/thumbnail/...
     */
    public MatrixResponse thumbnail(MatrixRequest request) {
        MediaId id = localMediaId(request);
        int width = dimension(request, "width");
        int height = dimension(request, "height");
        ThumbnailMethod method = ThumbnailMethod.parse(request.queryParam("method"));
        MediaRepository.Thumbnail thumbnail = repository.thumbnail(id, width, height, method, timeoutMs(request));
        return file(thumbnail.file(), MediaHeaders.thumbnail(thumbnail.contentType()));
    }

    /**
     * GET /_matrix/client/v1/media/config — Client-Server API § Content repository (authenticated media,
     * v1.11); also the deprecated GET /_matrix/media/v3/config.
     */
    public MatrixResponse config(MatrixRequest request) {
        return MatrixResponse.ok(Map.of("m.upload.size", repository.maxUploadSize()));
    }

    private String mxc(MediaId id) {
        return "mxc://" + serverName.value() + "/" + id.value();
    }

    /**
     * The path's media ID if the path's server is this one. Spec § Security considerations: the server name
     * must be a valid server name (else 400) and the media ID only {@code [A-Za-z0-9_-]} (else 404, as for an
     * unknown one). Remote media needs federation: 404 until it exists.
     */
    private MediaId localMediaId(MatrixRequest request) {
        String server = request.pathParam("serverName");
        if (!server.equals(serverName.value())) {
            try {
                ServerName.parse(server);
            } catch (InvalidIdentifierException e) {
                throw MatrixException.invalidParam("serverName", "not a server name");
            }
            throw MatrixException.notFound("remote media is not available on this server");
        }
        return MediaId.fromPath(request.pathParam("mediaId"));
    }

    private static Optional<String> uploadName(MatrixRequest request) {
        Optional<String> name = request.queryParam("filename").filter(s -> !s.isEmpty());
        if (name.isPresent() && name.get().length() > MAX_UPLOAD_NAME) {
            throw MatrixException.invalidParam("filename", "longer than " + MAX_UPLOAD_NAME + " characters");
        }
        return name;
    }

    private static long timeoutMs(MatrixRequest request) {
        Optional<String> value = request.queryParam("timeout_ms");
        if (value.isEmpty()) {
            return MediaRepository.DEFAULT_TIMEOUT_MS;
        }
        try {
            long timeout = Long.parseLong(value.get());
            if (timeout < 0) {
                throw MatrixException.invalidParam("timeout_ms", "must not be negative");
            }
            return Math.min(timeout, MediaRepository.MAX_TIMEOUT_MS);
        } catch (NumberFormatException e) {
            throw MatrixException.invalidParam("timeout_ms", "not an integer");
        }
    }

    /** A required positive integer query parameter ({@code width}, {@code height}). */
    private static int dimension(MatrixRequest request, String name) {
        String value = request.queryParam(name).orElseThrow(() -> MatrixException.missingParam(name));
        try {
            int n = Integer.parseInt(value);
            if (n <= 0) {
                throw MatrixException.invalidParam(name, "must be positive");
            }
            return n;
        } catch (NumberFormatException e) {
            throw MatrixException.invalidParam(name, "not an integer");
        }
    }

    private static MatrixResponse file(Path file, Map<String, String> headers) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read a media file", e);
        }
        MatrixResponse response = MatrixResponse.binary(
                new BinaryBody(headers.get("Content-Type"), size, out -> Files.copy(file, out)));
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (!header.getKey().equals("Content-Type")) {
                response = response.withHeader(header.getKey(), header.getValue());
            }
        }
        return response;
    }
}
