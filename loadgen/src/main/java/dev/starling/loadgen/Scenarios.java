package dev.starling.loadgen;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/** The load scenarios; each returns rows for the result table. */
final class Scenarios {
    /** (a): at most this many sends unanswered at once. */
    static final int MAX_IN_FLIGHT = 1000;

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

    /**
     * (a) Fixed offered load: {@code rate} messages per second, round-robin over the users (each into its own
     * room), sent open-loop (a slow answer does not slow the offer) while every user long-polls /sync.
     */
    static List<Row> offeredLoad(Population population, ServerProcess server, int rate, Duration duration)
            throws Exception {
        String run = "a" + System.nanoTime();
        Latencies delivery = population.timeDeliveries(run);
        Latencies sends = new Latencies();
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong deliveriesExpected = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong skipped = new AtomicLong();
        // Open loop, but bounded: past this many unanswered sends the server is behind and further sends are
        // counted as skipped instead of piling up thousands of connections.
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(MAX_IN_FLIGHT);
        long count = (long) rate * duration.toSeconds();
        long intervalNanos = 1_000_000_000L / rate;
        Duration cpuBefore = server == null ? null : server.cpuTime();
        long answersBefore = population.syncAnswers.get();
        long start = System.nanoTime();
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
                    long t0 = System.nanoTime();
                    try {
                        Client.Reply reply = population.client.send(population.users.get(u),
                                population.roomOfUser.get(u), run + "-" + n, population.message(run));
                        if (reply.status() == 200) {
                            sends.add(System.nanoTime() - t0);
                            acknowledged.incrementAndGet();
                            deliveriesExpected.addAndGet(membersOf(population, u));
                        } else {
                            failed.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    } finally {
                        inFlight.release();
                    }
                });
            }
        }
        double sendSeconds = (System.nanoTime() - start) / 1e9;
        // Let the last deliveries arrive.
        long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (delivery.count() < deliveriesExpected.get() && System.nanoTime() < drainUntil) {
            Thread.sleep(50);
        }
        String cpu = "";
        if (server != null) {
            double elapsedMs = (System.nanoTime() - start) / 1e6;
            cpu = String.format("%.0f%%", 100.0 * server.cpuTime().minus(cpuBefore).toMillis() / elapsedMs);
        }
        List<Row> rows = new ArrayList<>();
        String name = "(a) " + rate + " msg/s offered, " + population.users.size() + " users, "
                + population.rooms.size() + " rooms";
        rows.add(new Row(name, "acknowledged sends/s", String.format(
                "%.0f (%d acked, %d failed, %d not sent: over %d unanswered; in %.1f s)", acknowledged.get() / sendSeconds,
                acknowledged.get(), failed.get(), skipped.get(), MAX_IN_FLIGHT, sendSeconds)));
        rows.add(new Row(name, "send → 200 latency", sends.summary()));
        rows.add(new Row(name, "send → /sync delivery latency", delivery.summary()));
        rows.add(new Row(name, "incremental sync answers per acknowledged send", String.format("%.2f",
                (double) (population.syncAnswers.get() - answersBefore) / Math.max(1, acknowledged.get()))));
        rows.add(new Row(name, "deliveries received / expected", delivery.count() + " / " + deliveriesExpected.get()
                + " (limited timelines " + population.limitedTimelines.get() + ", sync errors "
                + population.syncErrors.get() + ")"));
        if (server != null) {
            rows.add(new Row(name, "server CPU (of one core), RSS", cpu + ", " + server.rssKiB() / 1024 + " MiB"));
        }
        return rows;
    }

    /** (b) Closed loop: {@code senders} senders, each sending its next message when the last is acknowledged. */
    static List<Row> maxSends(Population population, ServerProcess server, int senders, Duration duration)
            throws Exception {
        String run = "b" + System.nanoTime();
        population.timeDeliveries(run);
        Latencies sends = new Latencies();
        AtomicLong failed = new AtomicLong();
        AtomicInteger txn = new AtomicInteger();
        Duration cpuBefore = server == null ? null : server.cpuTime();
        long answersBefore = population.syncAnswers.get();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int s = 0; s < senders; s++) {
                int u = s % population.users.size();
                pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        long t0 = System.nanoTime();
                        try {
                            Client.Reply reply = population.client.send(population.users.get(u),
                                    population.roomOfUser.get(u), run + "-" + txn.incrementAndGet(), population.message(run));
                            if (reply.status() == 200) {
                                sends.add(System.nanoTime() - t0);
                            } else {
                                failed.incrementAndGet();
                            }
                        } catch (Exception e) {
                            failed.incrementAndGet();
                        }
                    }
                });
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String name = "(b) closed loop, " + senders + " senders in " + population.rooms.size() + " rooms";
        List<Row> rows = new ArrayList<>();
        rows.add(new Row(name, "acknowledged sends/s", String.format("%.0f (%d acked, %d failed, in %.1f s)",
                sends.count() / seconds, sends.count(), failed.get(), seconds)));
        rows.add(new Row(name, "send → 200 latency", sends.summary()));
        rows.add(new Row(name, "incremental sync answers per acknowledged send", String.format("%.2f",
                (double) (population.syncAnswers.get() - answersBefore) / Math.max(1, sends.count()))));
        if (server != null) {
            rows.add(new Row(name, "server CPU (of one core), RSS", String.format("%.0f%%, %d MiB",
                    100.0 * server.cpuTime().minus(cpuBefore).toMillis() / (seconds * 1000), server.rssKiB() / 1024)));
        }
        return rows;
    }

    private static int membersOf(Population population, int user) {
        String room = population.roomOfUser.get(user);
        int members = 0;
        for (String r : population.roomOfUser) {
            if (r.equals(room)) {
                members++;
            }
        }
        return members;
    }
}
