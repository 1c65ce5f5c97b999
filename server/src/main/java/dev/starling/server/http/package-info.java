/**
 * The HTTP layer of the Client-Server API, on Jetty 12 with handlers on virtual threads.
 *
 * <ul>
 *   <li>{@link dev.starling.server.http.Route} and {@link dev.starling.server.http.Router}: the route table;
 *       path templates with named parameters decoded once.</li>
 *   <li>{@link dev.starling.server.http.MatrixRequest}, {@link dev.starling.server.http.MatrixResponse}: what a
 *       {@link dev.starling.server.http.MatrixHandler} gets and returns; a body may be read as a bounded stream
 *       and a response may be binary ({@link dev.starling.server.http.BinaryBody}), for media.</li>
 *   <li>{@link dev.starling.server.http.MatrixException} with an {@link dev.starling.server.http.ErrorCode}:
 *       every expected failure; the package-private {@code ErrorMapper} turns any exception into the
 *       spec's {@code {errcode, error}} response, in that one place.</li>
 *   <li>{@link dev.starling.server.http.Authenticator}: access token → device, implemented by the users
 *       package; {@link dev.starling.server.http.RateLimiter} with named limits in
 *       {@link dev.starling.server.http.RateLimit}.</li>
 *   <li>{@link dev.starling.server.http.MatrixHttpServer} and its {@link dev.starling.server.http.HttpServerConfig}.</li>
 * </ul>
 *
 * A request goes: OPTIONS → 204 with CORS headers; otherwise route lookup (404/405 M_UNRECOGNIZED) → a
 * declared body above the route's limit is 413 → access token (401) → rate limits (429) → handler → JSON
 * with CORS headers.
 */
package dev.starling.server.http;
