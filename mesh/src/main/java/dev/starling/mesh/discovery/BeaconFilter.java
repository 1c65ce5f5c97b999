package dev.starling.mesh.discovery;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Decides what a received datagram means, in order of cost: an overall rate limit, parsing, our own
 * beacons, a per-source rate limit over a bounded table of sources, then whether the sender is new enough
 * to announce (rate-limited too). Memory is bounded by {@code maxSources}; a flood from one source or from
 * many spoofed sources is dropped, counted and cannot cause more than {@code announcementsPerSecond} dials.
 * Driven by one thread with an explicit clock, so tests control time. Not thread-safe.
 */
final class BeaconFilter {
    /** What became of a datagram. */
    enum Outcome { ANNOUNCE, KNOWN, OWN, MALFORMED, RATE_LIMITED_TOTAL, RATE_LIMITED_SOURCE, TOO_MANY_SOURCES,
        RATE_LIMITED_ANNOUNCE }

    private static final class Source {
        final TokenBucket bucket;
        long lastSeen;
        long lastAnnounced = Long.MIN_VALUE;
        Beacon announced;

        Source(TokenBucket bucket, long now) {
            this.bucket = bucket;
            this.lastSeen = now;
        }
    }

    private final DiscoveryConfig config;
    private final Predicate<Beacon> own;
    private final TokenBucket total;
    private final TokenBucket announcements;
    private final Map<InetAddress, Source> sources = new HashMap<>();
    private final long expiryNanos;
    private final Map<Outcome, Long> counts = new java.util.EnumMap<>(Outcome.class);
    private long droppedAtLastReport;
    private long lastReport;

    BeaconFilter(DiscoveryConfig config, Predicate<Beacon> own, long nowNanos) {
        this.config = config;
        this.own = own;
        this.total = new TokenBucket(config.totalPerSecond(), config.totalPerSecond(), nowNanos);
        this.announcements = new TokenBucket(config.announcementsPerSecond(), config.announcementsPerSecond(), nowNanos);
        this.expiryNanos = config.peerExpiry().toNanos();
    }

    /** The beacon to announce, or empty with the reason counted. */
    Optional<Beacon> accept(InetAddress source, byte[] data, int offset, int length, long now) {
        Outcome outcome;
        Beacon beacon = null;
        if (!total.tryTake(now)) {
            outcome = Outcome.RATE_LIMITED_TOTAL;
        } else {
            Optional<Beacon> parsed = Beacon.parse(data, offset, length);
            if (parsed.isEmpty()) {
                outcome = Outcome.MALFORMED;
            } else if (own.test(parsed.get())) {
                outcome = Outcome.OWN;
            } else {
                beacon = parsed.get();
                outcome = fromSource(source, beacon, now);
            }
        }
        counts.merge(outcome, 1L, Long::sum);
        return outcome == Outcome.ANNOUNCE ? Optional.of(beacon) : Optional.empty();
    }

    private Outcome fromSource(InetAddress address, Beacon beacon, long now) {
        Source source = sources.get(address);
        if (source == null) {
            if (sources.size() >= config.maxSources()) {
                expire(now);
            }
            if (sources.size() >= config.maxSources()) {
                return Outcome.TOO_MANY_SOURCES;
            }
            source = new Source(new TokenBucket(config.perSourceBurst(), config.perSourcePerSecond(), now), now);
            sources.put(address, source);
        }
        if (!source.bucket.tryTake(now)) {
            return Outcome.RATE_LIMITED_SOURCE;
        }
        // Announce a new or returning source, a changed beacon, and an unchanged one again once per expiry
        // period, so that a listener whose link to it was lost dials again.
        boolean stale = source.lastAnnounced == Long.MIN_VALUE || now - source.lastSeen >= expiryNanos
                || now - source.lastAnnounced >= expiryNanos;
        source.lastSeen = now;
        if (!stale && beacon.equals(source.announced)) {
            return Outcome.KNOWN;
        }
        if (!announcements.tryTake(now)) {
            return Outcome.RATE_LIMITED_ANNOUNCE;
        }
        source.announced = beacon;
        source.lastAnnounced = now;
        return Outcome.ANNOUNCE;
    }

    /** Forgets sources not heard for the expiry time. */
    void expire(long now) {
        for (Iterator<Source> it = sources.values().iterator(); it.hasNext(); ) {
            if (now - it.next().lastSeen >= expiryNanos) {
                it.remove();
            }
        }
    }

    int sourceCount() {
        return sources.size();
    }

    long count(Outcome outcome) {
        return counts.getOrDefault(outcome, 0L);
    }

    /** Datagrams dropped so far: malformed, over a rate limit, or from a source beyond the table. */
    long dropped() {
        return count(Outcome.MALFORMED) + count(Outcome.RATE_LIMITED_TOTAL) + count(Outcome.RATE_LIMITED_SOURCE)
                + count(Outcome.TOO_MANY_SOURCES) + count(Outcome.RATE_LIMITED_ANNOUNCE);
    }

    /**
     * A line for the operator's log when datagrams were dropped since the last report, at most once per
     * {@code minimumGapNanos} (a flood is logged, but does not flood the log).
     */
    Optional<String> dropReport(long now, long minimumGapNanos) {
        long dropped = dropped();
        if (dropped == droppedAtLastReport || now - lastReport < minimumGapNanos) {
            return Optional.empty();
        }
        String line = "dropped=" + (dropped - droppedAtLastReport) + " sources=" + sources.size() + " "
                + String.join(" ", summary());
        droppedAtLastReport = dropped;
        lastReport = now;
        return Optional.of(line);
    }

    /** Counts for logs: only non-zero ones. */
    List<String> summary() {
        return counts.entrySet().stream().map(e -> e.getKey().name().toLowerCase() + "=" + e.getValue()).toList();
    }
}
