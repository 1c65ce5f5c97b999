package dev.starling.server.http;

/**
 * The Matrix error codes Starling answers with, each with the HTTP status it has unless an endpoint says
 * otherwise (Client-Server API § Standard error response, "Common error codes" and "Other error codes").
 * Constants carry the spec's exact name so that a search for {@code M_FORBIDDEN} finds them.
 */
public enum ErrorCode {
    // Common error codes: any endpoint may answer with these.
    M_BAD_JSON(400),
    M_FORBIDDEN(403),
    M_LIMIT_EXCEEDED(429),
    M_MISSING_TOKEN(401),
    M_NOT_FOUND(404),
    M_NOT_JSON(400),
    /** Needs an {@code admin_contact} field (spec). */
    M_RESOURCE_LIMIT_EXCEEDED(403),
    /** An unknown error; a client trusts the HTTP status more than the code (spec). */
    M_UNKNOWN(400),
    M_UNKNOWN_DEVICE(400),
    /** May carry {@code soft_logout} (spec § Soft logout). */
    M_UNKNOWN_TOKEN(401),
    /** 404 for an endpoint that does not exist, 405 for a wrong method on one that does (spec). */
    M_UNRECOGNIZED(404),
    /** Needs an {@code info_uri} field (spec, v1.18); the status depends on the endpoint. */
    M_USER_LIMIT_EXCEEDED(403),
    M_USER_LOCKED(401),
    M_USER_SUSPENDED(403),

    // Other error codes: specific to some endpoints.
    M_BAD_ALIAS(400),
    M_BAD_STATE(400),
    M_CANNOT_LEAVE_SERVER_NOTICE_ROOM(403),
    M_CAPTCHA_INVALID(401),
    M_CAPTCHA_NEEDED(401),
    M_EXCLUSIVE(400),
    M_GUEST_ACCESS_FORBIDDEN(403),
    /** Needs a {@code room_version} field (spec). */
    M_INCOMPATIBLE_ROOM_VERSION(400),
    M_INVALID_PARAM(400),
    M_INVALID_ROOM_STATE(400),
    M_INVALID_USERNAME(400),
    M_MISSING_PARAM(400),
    M_ROOM_IN_USE(400),
    M_SERVER_NOT_TRUSTED(403),
    M_THREEPID_AUTH_FAILED(401),
    M_THREEPID_DENIED(403),
    M_THREEPID_IN_USE(400),
    M_THREEPID_MEDIUM_NOT_SUPPORTED(400),
    M_THREEPID_NOT_FOUND(400),
    M_TOO_LARGE(413),
    M_UNAUTHORIZED(401),
    M_UNSUPPORTED_ROOM_VERSION(400),
    M_USER_DEACTIVATED(403),
    M_USER_IN_USE(400),
    M_WEAK_PASSWORD(400),

    // Module-specific codes.
    /** Content repository: the media ID exists but its content has not been uploaded yet. */
    M_NOT_YET_UPLOADED(504),
    /** Content repository: the media ID already has content. */
    M_CANNOT_OVERWRITE_MEDIA(409),
    /** Server-side key backup: the request names a backup version that is not the current one. */
    M_WRONG_ROOM_KEYS_VERSION(403);

    private final int defaultStatus;

    ErrorCode(int defaultStatus) {
        this.defaultStatus = defaultStatus;
    }

    /** The HTTP status this code is answered with unless the endpoint specifies another. */
    public int defaultStatus() {
        return defaultStatus;
    }

    /** The {@code errcode} string on the wire; the constant's name. */
    public String errcode() {
        return name();
    }
}
