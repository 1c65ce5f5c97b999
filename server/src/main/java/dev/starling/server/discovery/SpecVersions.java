package dev.starling.server.discovery;

import java.util.List;

/**
 * The Client-Server API versions {@code GET /_matrix/client/versions} advertises — the one list.
 *
 * <p>v1.1 to v1.11. v1.11 makes authenticated media ({@code /_matrix/client/v1/media/*}) the way clients
 * fetch media (Element switches to it when a server advertises v1.11); the {@code media} package serves it.
 * Not v1.12: it adds {@code via} on joins, account locking and unread markers, which are not built yet.
 * The legacy {@code r0.x} versions are not advertised; {@code r0} paths are still served, as aliases of their {@code v3}
 * equivalents, for clients that have not moved on (matrix-nio 0.20; see {@code Router.LEGACY_PREFIXES}).
 * A version is added here in the same change that implements what it requires.
 */
public final class SpecVersions {
    public static final List<String> ADVERTISED = List.of(
            "v1.1", "v1.2", "v1.3", "v1.4", "v1.5", "v1.6", "v1.7", "v1.8", "v1.9", "v1.10", "v1.11");

    private SpecVersions() {}
}
