package dev.starling.loadgen;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * (c) Many idle long-polls: {@code connections} concurrent /sync requests (spread over the users, each with
 * its own connection) held open with nothing to deliver, and what they cost the server in memory and CPU.
 */
final class IdleSyncs {
    private IdleSyncs() {}

    static List<Scenarios.Row> run(Population population, ServerProcess server, int connections, Duration window)
            throws Exception {
        Scenarios.Usage before = server == null ? null : Scenarios.Usage.measure(server, Duration.ofSeconds(5));
        AtomicInteger waiting = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        AtomicLong early = new AtomicLong();
        ExecutorService polls = Executors.newVirtualThreadPerTaskExecutor();
        List<String> since = new ArrayList<>();
        for (Client.User user : population.users) {
            since.add(population.client.sync(user, null, 0, null).json().path("next_batch").asText());
        }
        long rampStart = System.nanoTime();
        for (int k = 0; k < connections; k++) {
            int u = k % population.users.size();
            polls.submit(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    waiting.incrementAndGet();
                    long t0 = System.nanoTime();
                    try {
                        Client.Reply reply = population.client.sync(population.users.get(u), since.get(u), 55_000, null);
                        if (reply.status() != 200) {
                            errors.incrementAndGet();
                        } else if (System.nanoTime() - t0 < 50_000_000_000L) {
                            early.incrementAndGet();
                        }
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        errors.incrementAndGet();
                        try {
                            Thread.sleep(1000);
                        } catch (InterruptedException stop) {
                            return;
                        }
                    } finally {
                        waiting.decrementAndGet();
                    }
                }
            });
            if (k % 500 == 499) {
                Thread.sleep(100); // a ramp, not a SYN flood
            }
        }
        Thread.sleep(5_000);
        double rampSeconds = (System.nanoTime() - rampStart) / 1e9;
        int open = waiting.get();
        Scenarios.Usage during = server == null ? null : Scenarios.Usage.measure(server, window);
        int openAfter = waiting.get();
        String name = "(c) " + connections + " idle /sync long-polls";
        List<Scenarios.Row> rows = new ArrayList<>();
        rows.add(new Scenarios.Row(name, "requests waiting (at start / end of window)", open + " / " + openAfter
                + String.format(" (ramp %.1f s; errors %d, early answers %d)", rampSeconds, errors.get(), early.get())));
        if (server != null) {
            rows.add(new Scenarios.Row(name, "server RSS before → holding them", before.rssKiB() / 1024 + " MiB → "
                    + during.rssKiB() / 1024 + String.format(" MiB (%.1f KiB per long-poll)",
                            (during.rssKiB() - before.rssKiB()) / (double) Math.max(1, open))));
            rows.add(new Scenarios.Row(name, "server CPU (of one core) idle → holding them",
                    String.format("%.1f%% → %.1f%% over %d s", before.cpuPercent(), during.cpuPercent(), window.toSeconds())));
        }
        polls.shutdownNow();
        return rows;
    }
}
