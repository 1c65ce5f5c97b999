/**
 * What a client asks before logging in: {@code /.well-known/matrix/client}, {@code /versions} (the
 * advertised spec versions live in {@link dev.starling.server.discovery.SpecVersions}), and
 * {@code /capabilities}.
 */
package dev.starling.server.discovery;
