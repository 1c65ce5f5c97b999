package dev.starling.server.ops;

import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.http.RequestObserver;
import dev.starling.server.rooms.RoomEventListener;
import dev.starling.server.storage.TransactionListener;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * The homeserver's Prometheus metrics. Every label has a bounded set of values, and none carries user data:
 * HTTP metrics are labelled by the route's <em>template</em> (never the raw path, which holds room and user
 * IDs), the method and the status class; database metrics by read/write and commit/rollback.
 *
 * <ul>
 *   <li>{@code starling_http_requests_total{route,method,status}} — answered requests, status as {@code 2xx}…
 *   <li>{@code starling_http_request_duration_seconds{route}} — histogram of the time to answer
 *   <li>{@code starling_http_requests_in_flight} — requests being served now (waiting /sync included)
 *   <li>{@code starling_sync_waiting_requests} — /sync long-polls blocked waiting for something new
 *   <li>{@code starling_db_transaction_duration_seconds{kind,outcome}} — histogram (its {@code _count} is the
 *       number of transactions), kind {@code read} or {@code write}, outcome {@code commit} or {@code rollback}
 *   <li>{@code starling_events_persisted_total} — room events committed by this server
 *   <li>the JVM's memory, threads, GC, class loading… from the client's JVM instrumentation ({@code jvm_*})
 * </ul>
 *
 * Thread-safe.
 */
public final class ServerMetrics implements RequestObserver, TransactionListener {
    /** The JVM metrics are the process's, not a server's: one registry for every server in the JVM. */
    private static final PrometheusRegistry JVM = jvmRegistry();

    private static final double[] HTTP_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
    private static final double[] DB_BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests;
    private final Histogram requestDuration;
    private final Gauge inFlight;
    private final Histogram transactionDuration;
    private final Counter eventsPersisted;

    /** @param waitingSyncs how many /sync requests are blocked waiting now (the sync notifier's count) */
    public ServerMetrics(IntSupplier waitingSyncs) {
        requests = Counter.builder().name("starling_http_requests")
                .help("HTTP requests answered, by route template, method and status class")
                .labelNames("route", "method", "status").withoutExemplars().register(registry);
        requestDuration = Histogram.builder().name("starling_http_request_duration_seconds")
                .help("Time to answer an HTTP request, by route template")
                .labelNames("route").classicOnly().classicUpperBounds(HTTP_BUCKETS).withoutExemplars()
                .register(registry);
        inFlight = Gauge.builder().name("starling_http_requests_in_flight")
                .help("HTTP requests being served now, waiting /sync long-polls included")
                .withoutExemplars().register(registry);
        GaugeWithCallback.builder().name("starling_sync_waiting_requests")
                .help("/sync requests blocked waiting for new data")
                .callback(callback -> callback.call(waitingSyncs.getAsInt())).register(registry);
        transactionDuration = Histogram.builder().name("starling_db_transaction_duration_seconds")
                .help("Database transactions: duration (waiting for a connection included) and count")
                .labelNames("kind", "outcome").classicOnly().classicUpperBounds(DB_BUCKETS).withoutExemplars()
                .register(registry);
        eventsPersisted = Counter.builder().name("starling_events_persisted")
                .help("Room events committed to the database").withoutExemplars().register(registry);
    }

    @Override
    public void started() {
        inFlight.inc();
    }

    @Override
    public void finished(String route, String method, int status, long nanos) {
        inFlight.dec();
        requests.labelValues(route, method, (status / 100) + "xx").inc();
        requestDuration.labelValues(route).observe(nanos / 1e9);
    }

    @Override
    public void finished(boolean write, boolean committed, long nanos) {
        transactionDuration.labelValues(write ? "write" : "read", committed ? "commit" : "rollback")
                .observe(nanos / 1e9);
    }

    /** Counts {@code count} newly committed room events. */
    public void eventsPersisted(int count) {
        eventsPersisted.inc(count);
    }

    /** {@code next}, and counting the events of every commit. */
    public RoomEventListener countingEvents(RoomEventListener next) {
        return new RoomEventListener() {
            @Override
            public void committed(RoomId roomId, Set<UserId> memberTargets) {
                next.committed(roomId, memberTargets);
            }

            @Override
            public void committed(RoomId roomId, Set<UserId> memberTargets, int events) {
                eventsPersisted(events);
                next.committed(roomId, memberTargets, events);
            }
        };
    }

    /** A snapshot of every metric: this server's and the JVM's. */
    public MetricSnapshots scrape() {
        MetricSnapshots.Builder all = MetricSnapshots.builder();
        for (MetricSnapshot snapshot : registry.scrape()) {
            all.metricSnapshot(snapshot);
        }
        for (MetricSnapshot snapshot : JVM.scrape()) {
            all.metricSnapshot(snapshot);
        }
        return all.build();
    }

    /** Every metric in the Prometheus text exposition format (version 0.0.4). */
    public byte[] text() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            TEXT.write(out, scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The content type of {@link #text()}. */
    public static String contentType() {
        return TEXT.getContentType();
    }

    private static final PrometheusTextFormatWriter TEXT = PrometheusTextFormatWriter.create();

    private static PrometheusRegistry jvmRegistry() {
        PrometheusRegistry jvm = new PrometheusRegistry();
        JvmMetrics.builder().register(jvm);
        return jvm;
    }
}
