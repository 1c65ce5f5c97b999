package dev.starling.loadgen;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The load scenarios; each returns rows for the result table. (a), (b) and (s) first run the same load for a
 * warm-up that is not counted (the server's JIT compiles its hot paths meanwhile), then measure.
 */
final class Scenarios {
    /** (a): at most this many sends unanswered at once. */
    static final int MAX_IN_FLIGHT = 1000;
    /** After (a) or (b): how long to wait for the last deliveries. */
    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(5);

    private Scenarios() {}

    /** One line of the result table. */
    record Row(String scenario, String metric, String value) {}

    /** Samples the server's CPU time and memory over a window (when it is a child process). */
    record Usage(double cpuPercent, long rssKiB) {
        static Usage measure(ServerProcess server, Duration window) throws Exception {
            Duration before = server.cpuTime();
            long start = System.nanoTime();
            Thread.sleep(window.toMillis());
            Duration used = server.cpuTime().minus(before);
            double elapsedMs = (System.nanoTime() - start) / 1e6;
            return new Usage(100.0 * used.toMillis() / elapsedMs, server.rssKiB());
        }
    }

    /** What the load of a scenario is, for the warm-up line and the rows. */
    record Load(Population population, ServerProcess server, Sender.Kind client, Duration warmUp) {}

    /**
     * (a) Fixed offered load: {@code rate} messages per second, round-robin over the users (each into its own
     * room), sent open-loop (a slow answer does not slow the offer) while every user long-polls /sync.
     */
    static List<Row> offeredLoad(Load load, int rate, Duration duration) throws Exception {
        String name = "(a) " + rate + " msg/s offered, " + load.population().users.size() + " users, "
                + load.population().rooms.size() + " rooms";
        if (!load.warmUp().isZero()) {
            warmUpLine(name, offeredPhase(load, "aw", rate, load.warmUp()).phase());
        }
        Offered o = offeredPhase(load, "a", rate, duration);
        Phase phase = o.phase();
        List<Row> rows = new ArrayList<>();
        rows.add(new Row(name, "acknowledged sends/s", String.format(
                "%.0f (%d acked, %d failed, %d not sent: over %d unanswered; in %.1f s after %d s of warm-up; %s client)",
                phase.sendsPerSecond(), phase.acked(), phase.failed.get(), o.skipped(), MAX_IN_FLIGHT,
                phase.sendSeconds(), load.warmUp().toSeconds(), clientName(load))));
        rows.add(new Row(name, "acknowledged sends per one-second slot", phase.perSecondRates()));
        rows.add(new Row(name, "send → 200 latency", phase.sends.summary()));
        rows.addAll(deliveryRows(name, load.population(), o.delivery(), o.deliveriesExpected(), phase));
        rows.addAll(phase.cpuRows(name));
        return rows;
    }

    private record Offered(Phase phase, Latencies delivery, long deliveriesExpected, long skipped) {}

    private static Offered offeredPhase(Load load, String prefix, int rate, Duration duration) throws Exception {
        Population population = load.population();
        String run = prefix + System.nanoTime();
        Latencies delivery = population.timeDeliveries(run);
        AtomicLong deliveriesExpected = new AtomicLong();
        AtomicLong skipped = new AtomicLong();
        // Open loop, but bounded: past this many unanswered sends the server is behind and further sends are
        // counted as skipped instead of piling up thousands of connections.
        Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
        Supplier<Sender> newSender = Sender.factory(load.client(), population, run);
        ConcurrentLinkedQueue<Sender> idle = new ConcurrentLinkedQueue<>();
        long count = (long) rate * duration.toSeconds();
        long intervalNanos = 1_000_000_000L / rate;
        Phase phase = new Phase(population, load.server(), duration);
        long start = phase.start();
        try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long i = 0; i < count; i++) {
                long due = start + i * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                int u = (int) (i % population.users.size());
                long n = i;
                if (!inFlight.tryAcquire()) {
                    skipped.incrementAndGet();
                    continue;
                }
                senders.submit(() -> {
                    Sender sender = idle.poll();
                    if (sender == null) {
                        sender = newSender.get();
                    }
                    long t0 = System.nanoTime();
                    try {
                        if (sender.send(u, n)) {
                            phase.acknowledged(t0);
                            deliveriesExpected.addAndGet(population.membersOfUser[u]);
                        } else {
                            phase.failed.incrementAndGet();
                        }
                    } catch (Exception e) {
                        phase.failed.incrementAndGet();
                    } finally {
                        idle.offer(sender);
                        inFlight.release();
                    }
                });
            }
        }
        phase.sendsDone();
        drain(delivery, deliveriesExpected.get());
        phase.end();
        idle.forEach(Sender::close);
        return new Offered(phase, delivery, deliveriesExpected.get(), skipped.get());
    }

    /** (b) Closed loop: {@code senders} senders, each sending its next message when the last is acknowledged. */
    static List<Row> maxSends(Load load, int senders, Duration duration) throws Exception {
        return closedLoop(load, senders, duration, "(b) closed loop, " + senders + " senders in "
                + load.population().rooms.size() + " rooms, every user long-polling /sync", "b", true);
    }

    /**
     * (s) The send path alone: (b) with no /sync loop running (run before they start), so the server's capacity
     * for sends can be compared with (b)'s sends plus the sync answers they cause.
     */
    static List<Row> sendsOnly(Load load, int senders, Duration duration) throws Exception {
        return closedLoop(load, senders, duration, "(s) closed loop, " + senders + " senders in "
                + load.population().rooms.size() + " rooms, no /sync running", "s", false);
    }

    private static List<Row> closedLoop(Load load, int senders, Duration duration, String name, String prefix,
            boolean syncing) throws Exception {
        if (!load.warmUp().isZero()) {
            warmUpLine(name, closedPhase(load, prefix + "w", senders, load.warmUp(), syncing).phase());
        }
        Closed c = closedPhase(load, prefix, senders, duration, syncing);
        Phase phase = c.phase();
        List<Row> rows = new ArrayList<>();
        rows.add(new Row(name, "acknowledged sends/s", String.format(
                "%.0f (%d acked, %d failed, in %.1f s after %d s of warm-up; %s client)", phase.sendsPerSecond(),
                phase.acked(), phase.failed.get(), phase.sendSeconds(), load.warmUp().toSeconds(), clientName(load))));
        rows.add(new Row(name, "acknowledged sends per one-second slot", phase.perSecondRates()));
        rows.add(new Row(name, "send → 200 latency", phase.sends.summary()));
        if (syncing) {
            rows.addAll(deliveryRows(name, load.population(), c.delivery(), c.deliveriesExpected(), phase));
        }
        rows.addAll(phase.cpuRows(name));
        return rows;
    }

    private record Closed(Phase phase, Latencies delivery, long deliveriesExpected) {}

    private static Closed closedPhase(Load load, String prefix, int senders, Duration duration, boolean syncing)
            throws Exception {
        Population population = load.population();
        String run = prefix + System.nanoTime();
        Latencies delivery = population.timeDeliveries(run);
        AtomicLong deliveriesExpected = new AtomicLong();
        AtomicLong txn = new AtomicLong();
        Supplier<Sender> newSender = Sender.factory(load.client(), population, run);
        Phase phase = new Phase(population, load.server(), duration);
        long end = phase.start() + duration.toNanos();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int s = 0; s < senders; s++) {
                int u = s % population.users.size();
                pool.submit(() -> {
                    try (Sender sender = newSender.get()) {
                        while (System.nanoTime() < end) {
                            long t0 = System.nanoTime();
                            try {
                                if (sender.send(u, txn.incrementAndGet())) {
                                    phase.acknowledged(t0);
                                    deliveriesExpected.addAndGet(population.membersOfUser[u]);
                                } else {
                                    phase.failed.incrementAndGet();
                                }
                            } catch (Exception e) {
                                phase.failed.incrementAndGet();
                            }
                        }
                    }
                });
            }
        }
        phase.sendsDone();
        if (syncing) {
            drain(delivery, deliveriesExpected.get());
        }
        phase.end();
        return new Closed(phase, delivery, deliveriesExpected.get());
    }

    private static List<Row> deliveryRows(String name, Population population, Latencies delivery, long expected,
            Phase phase) {
        return List.of(
                new Row(name, "send → /sync delivery latency", delivery.summary()),
                new Row(name, "incremental sync answers per acknowledged send", String.format("%.2f",
                        (double) phase.syncAnswers() / Math.max(1, phase.acked()))),
                new Row(name, "deliveries received / expected", delivery.count() + " / " + expected
                        + " (limited timelines " + population.limitedTimelines.get() + ", sync errors "
                        + population.syncErrors.get() + ")"));
    }

    /** Waits (at most 5 s) until {@code expected} deliveries have been seen; none are expected without syncs. */
    private static void drain(Latencies delivery, long expected) throws InterruptedException {
        long until = System.nanoTime() + DRAIN_NANOS;
        while (delivery.count() < expected && System.nanoTime() < until) {
            Thread.sleep(20);
        }
    }

    private static void warmUpLine(String name, Phase phase) {
        System.out.printf("loadgen: %s | warm-up, not counted | %.0f acknowledged sends/s (%d acked, %d failed, %.1f s)%n",
                name, phase.sendsPerSecond(), phase.acked(), phase.failed.get(), phase.sendSeconds());
    }

    private static String clientName(Load load) {
        return load.client() == Sender.Kind.RAW ? "raw" : "jdk";
    }
}
