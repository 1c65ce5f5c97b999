/**
 * Operating the server: Prometheus metrics ({@code ServerMetrics}, served by {@code MetricsListener} on a
 * port of its own, off by default) and {@code GET /health} ({@code HealthCheck}). Metrics are fed through two
 * small hooks, {@code http.RequestObserver} (the dispatcher) and {@code storage.TransactionListener} (the
 * database), plus the sync notifier's waiting count and the rooms listener's event count; labels are bounded
 * and hold no user data. See README.md.
 */
package dev.starling.server.ops;
