package dev.starling.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * (f) Federation between two Starling servers ({@link FedServer} A and B, child processes on loopback, over real
 * HTTP): a public room created on A, joined by users of both. (f1) A's users send as fast as A's send path and
 * sender allow, B's user's /sync records when each arrives; (f2) the same from both sides at once; (f3) B is
 * stopped (SIGTERM), A's users send {@code catchUp} messages, B is started again on the same data and port,
 * and the clock runs until B's user has seen the last one; then /messages on B must hold every one in order.
 * Transaction sizes come from A's log (the sender's INFO line per transaction).
 */
final class FedBench {
    private static final String V3 = "/_matrix/client/v3";
    private static final int USERS_PER_SERVER = 4;
    private static final Pattern SENT = Pattern.compile("federation transaction sent destination=(\\S+) txn_id=\\S+ pdus=(\\d+)");

    private final Path dir;
    private final List<String> jvm;
    private final int inFlight;
    private final int portA;
    private final int portB;
    private ServerProcess a;
    private ServerProcess b;
    private Client clientA;
    private Client clientB;
    private final List<Client.User> usersA = new ArrayList<>();
    private final List<Client.User> usersB = new ArrayList<>();
    private String roomId;
    private final List<Scenarios.Row> rows = new ArrayList<>();

    private FedBench(Path dir, List<String> jvm, int inFlight) throws IOException {
        this.dir = dir;
        this.jvm = jvm;
        this.inFlight = inFlight;
        this.portA = freePort();
        this.portB = freePort();
    }

    static List<Scenarios.Row> run(Path dir, List<String> jvm, int messages, int catchUp, int inFlight)
            throws Exception {
        FedBench bench = new FedBench(dir, jvm, inFlight);
        try {
            bench.setUp();
            bench.oneWay(messages);
            bench.bothWays(messages);
            bench.catchUp(catchUp);
        } finally {
            bench.stop();
        }
        return bench.rows;
    }

    private void setUp() throws Exception {
        long t0 = System.nanoTime();
        a = ServerProcess.fedServer(dir.resolve("a"), portA, jvm, null);
        b = ServerProcess.fedServer(dir.resolve("b"), portB, jvm, null);
        clientA = new Client(a.baseUrl());
        clientB = new Client(b.baseUrl());
        String prefix = "fb" + Long.toString(System.currentTimeMillis(), 36);
        for (int i = 0; i < USERS_PER_SERVER; i++) {
            usersA.add(clientA.register(prefix + "a" + i));
            usersB.add(clientB.register(prefix + "b" + i));
        }
        roomId = clientA.createRoom(usersA.get(0));
        for (int i = 1; i < USERS_PER_SERVER; i++) {
            clientA.join(usersA.get(i), roomId);
        }
        for (Client.User user : usersB) {
            Client.Reply joined = clientB.call("POST", V3 + "/join/" + Client.encode(roomId) + "?server_name="
                    + Client.encode("127.0.0.1:" + portA), "{}", user.token(), Duration.ofSeconds(120));
            if (joined.status() != 200) {
                throw new IllegalStateException("remote join: HTTP " + joined.status() + " " + joined.body());
            }
        }
        System.out.printf("loadgen: (f) A %s (pid %d), B %s (pid %d); room %s with %d + %d members ready in %.1f s%n",
                a.baseUrl(), a.pid(), b.baseUrl(), b.pid(), roomId, usersA.size(), usersB.size(),
                (System.nanoTime() - t0) / 1e9);
    }

    /** (f1) A → B. */
    private void oneWay(int messages) throws Exception {
        try (Watcher atB = new Watcher(clientB, usersB.get(0))) {
            Thread.sleep(1000);
            long logAt = logSize(a);
            Cpu cpu = new Cpu(a, b);
            Sent sent = send(clientA, usersA, "f1", messages);
            boolean all = await(atB, "f1", messages, Duration.ofSeconds(120));
            String used = cpu.summary();
            String what = "(f1) A → B, " + messages + " messages, " + inFlight + " sends in flight";
            rows.add(row(what, "sends acknowledged by A", sent.summary()));
            rows.addAll(arrivalRows(what, "B", atB, "f1", sent, messages, all));
            rows.add(row(what, "A's transactions to B", transactions(a, logAt, "127.0.0.1:" + portB)));
            rows.add(row(what, "server CPU, first send → last arrival", used));
        }
    }

    /** (f2) A → B and B → A at once. */
    private void bothWays(int messages) throws Exception {
        try (Watcher atA = new Watcher(clientA, usersA.get(0)); Watcher atB = new Watcher(clientB, usersB.get(0));
                ExecutorService two = Executors.newVirtualThreadPerTaskExecutor()) {
            Thread.sleep(1000);
            long logA = logSize(a);
            long logB = logSize(b);
            Cpu cpu = new Cpu(a, b);
            var fromA = two.submit(() -> send(clientA, usersA, "f2a", messages));
            var fromB = two.submit(() -> send(clientB, usersB, "f2b", messages));
            Sent sentA = fromA.get();
            Sent sentB = fromB.get();
            boolean allAtB = await(atB, "f2a", messages, Duration.ofSeconds(120));
            boolean allAtA = await(atA, "f2b", messages, Duration.ofSeconds(120));
            String used = cpu.summary();
            String what = "(f2) A ⇄ B at once, " + messages + " messages each way";
            rows.add(row(what, "sends acknowledged by A; by B", sentA.summary() + "; " + sentB.summary()));
            rows.addAll(arrivalRows(what + ", A → B", "B", atB, "f2a", sentA, messages, allAtB));
            rows.addAll(arrivalRows(what + ", B → A", "A", atA, "f2b", sentB, messages, allAtA));
            rows.add(row(what, "A's transactions to B; B's to A", transactions(a, logA, "127.0.0.1:" + portB)
                    + "; " + transactions(b, logB, "127.0.0.1:" + portA)));
            rows.add(row(what, "server CPU, first send → last arrival", used));
        }
    }

    /** (f3) B stopped, {@code count} messages on A, B restarted: time until B's user has them all. */
    private void catchUp(int count) throws Exception {
        String what = "(f3) catch-up after B missed " + count + " messages";
        b.close();
        b = null;
        Sent sent = send(clientA, usersA, "f3", count);
        rows.add(row(what, "sends acknowledged by A while B was down", sent.summary()));
        long logA = logSize(a);
        long logB = Files.exists(dir.resolve("b").resolve("server.log")) ? Files.size(dir.resolve("b").resolve("server.log")) : 0;
        long restart = System.nanoTime();
        b = ServerProcess.fedServer(dir.resolve("b"), portB, jvm, null);
        long ready = System.nanoTime();
        clientB = new Client(b.baseUrl());
        Cpu cpu = new Cpu(a, b);
        try (Watcher atB = new Watcher(clientB, usersB.get(0))) {
            Map<Long, Long> seen = atB.arrivals("f3");
            long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
            while (!seen.containsKey((long) count - 1) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Long last = seen.get((long) count - 1);
            String used = cpu.summary();
            rows.add(row(what, "B: restart → ready (/versions 200)", String.format("%.1f s", (ready - restart) / 1e9)));
            rows.add(row(what, "B: ready → its user's /sync has the last message",
                    last == null ? "NOT within 15 min" : String.format("**%.1f s** (%.0f messages/s)",
                            (last - ready) / 1e9, count / ((last - ready) / 1e9))));
            List<Long> history = history(clientB, usersB.get(0), "f3");
            // A's own order (its stream order, not the send order: up to inFlight sends were concurrent)
            boolean inOrder = history.equals(history(clientA, usersA.get(0), "f3"));
            rows.add(row(what, "B: /messages holds", history.size() + " of " + count + (inOrder ? ", in A's order"
                    : ", NOT in A's order") + "; /sync saw " + seen.size() + " (limited timelines "
                    + atB.limitedTimelines.get() + ")"));
            rows.add(row(what, "A's transactions to B", transactions(a, logA, "127.0.0.1:" + portB)));
            rows.add(row(what, "server CPU, B ready → last message seen", used));
            rows.add(row(what, "B's inbound log", inboundSummary(dir.resolve("b").resolve("server.log"), logB)));
        }
    }

    /** CPU time of both servers from now to {@link #summary()}, as a share of one core. */
    private static final class Cpu {
        private final ServerProcess a;
        private final ServerProcess b;
        private final long start = System.nanoTime();
        private final Duration a0;
        private final Duration b0;

        Cpu(ServerProcess a, ServerProcess b) throws IOException {
            this.a = a;
            this.b = b;
            this.a0 = a.cpuTime();
            this.b0 = b.cpuTime();
        }

        String summary() throws IOException {
            double wall = (System.nanoTime() - start) / 1e9;
            double ca = (a.cpuTime().toMillis() - a0.toMillis()) / 1e3;
            double cb = (b.cpuTime().toMillis() - b0.toMillis()) / 1e3;
            return String.format("A %.1f s (%.0f %% of one core), B %.1f s (%.0f %%) over %.1f s", ca, 100 * ca / wall,
                    cb, 100 * cb / wall, wall);
        }
    }

    private record Sent(int acked, int failed, long startNanos, long endNanos, Latencies latencies, long[] sentAt) {
        String summary() {
            double seconds = (endNanos - startNanos) / 1e9;
            return String.format("%d acked, %d failed in %.1f s (%.0f/s); send → 200 p50 %.0f ms",
                    acked, failed, seconds, acked / seconds, latencies.percentileMillis(50));
        }
    }

    /** Sends {@code count} messages round-robin over the users, at most {@link #inFlight} unanswered. */
    private Sent send(Client client, List<Client.User> users, String phase, int count) throws Exception {
        Semaphore slots = new Semaphore(inFlight);
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Latencies latencies = new Latencies();
        long[] sentAt = new long[count];
        String run = Long.toString(System.nanoTime(), 36);
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                slots.acquire();
                int seq = i;
                pool.submit(() -> {
                    long t = System.nanoTime();
                    sentAt[seq] = t;
                    try {
                        Client.User user = users.get(seq % users.size());
                        String content = "{\"msgtype\":\"m.text\",\"body\":\"fed bench " + seq + "\",\"fb_phase\":\""
                                + phase + "\",\"fb_seq\":" + seq + ",\"fb_ns\":" + t + "}";
                        Client.Reply reply = client.send(user, roomId, phase + run + "-" + seq, content);
                        if (reply.status() == 200) {
                            acked.incrementAndGet();
                            latencies.add(System.nanoTime() - t);
                        } else {
                            failed.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    } finally {
                        slots.release();
                    }
                    return null;
                });
            }
        }
        return new Sent((int) acked.get(), (int) failed.get(), start, System.nanoTime(), latencies, sentAt);
    }

    /** Waits until the watcher has seen {@code count} messages of the phase, or no new one for {@code quiet}. */
    private static boolean await(Watcher watcher, String phase, int count, Duration quiet) throws InterruptedException {
        Map<Long, Long> seen = watcher.arrivals(phase);
        int last = -1;
        long lastChange = System.nanoTime();
        while (seen.size() < count) {
            if (seen.size() != last) {
                last = seen.size();
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > quiet.toNanos()) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** The receiving rate (median of whole 1-second windows), the overall rate and send → seen latency. */
    private static List<Scenarios.Row> arrivalRows(String what, String at, Watcher watcher, String phase, Sent sent,
            int count, boolean all) {
        Map<Long, Long> seen = watcher.arrivals(phase);
        long[] times = seen.values().stream().mapToLong(Long::longValue).sorted().toArray();
        List<Scenarios.Row> out = new ArrayList<>();
        out.add(row(what, "seen by " + at + "'s user", seen.size() + " of " + count + (all ? "" : " (gave up)")
                + "; limited timelines " + watcher.limitedTimelines.get() + ", sync errors " + watcher.errors.get()));
        if (times.length < 2) {
            return out;
        }
        long first = times[0];
        int windows = (int) ((times[times.length - 1] - first) / 1_000_000_000L);
        int[] perWindow = new int[windows + 1];
        for (long t : times) {
            perWindow[(int) ((t - first) / 1_000_000_000L)]++;
        }
        // whole windows only (the last one is partial)
        int[] whole = Arrays.copyOf(perWindow, Math.max(1, windows));
        int[] sorted = whole.clone();
        Arrays.sort(sorted);
        double overall = (times.length - 1) / ((times[times.length - 1] - first) / 1e9);
        out.add(row(what, "PDUs/s arriving at " + at + " (1 s windows)", String.format(
                "**median %d**, min %d, max %d over %d windows; overall %.0f/s (first → last arrival); windows %s",
                sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1], whole.length, overall,
                Arrays.toString(whole))));
        Latencies lag = new Latencies();
        seen.forEach((seq, arrived) -> {
            if (seq >= 0 && seq < sent.sentAt().length && sent.sentAt()[seq.intValue()] != 0) {
                lag.add(arrived - sent.sentAt()[seq.intValue()]);
            }
        });
        out.add(row(what, "send → seen by " + at + "'s user", lag.summary()));
        double span = (times[times.length - 1] - sent.startNanos()) / 1e9;
        out.add(row(what, "first send → last arrival at " + at, String.format("%.1f s (sending took %.1f s)", span,
                (sent.endNanos() - sent.startNanos()) / 1e9)));
        return out;
    }

    /** Count and sizes of the transactions to {@code destination} logged since byte {@code from} of the log. */
    private static String transactions(ServerProcess server, long from, String destination) throws IOException {
        return transactions(server.log(), from, destination);
    }

    private static String transactions(Path log, long from, String destination) throws IOException {
        List<Integer> sizes = new ArrayList<>();
        int failed = 0;
        for (String line : tail(log, from)) {
            Matcher m = SENT.matcher(line);
            if (m.find() && m.group(1).equals(destination)) {
                sizes.add(Integer.parseInt(m.group(2)));
            } else if (line.contains("federation transaction failed destination=" + destination + " ")) {
                failed++;
            }
        }
        if (sizes.isEmpty()) {
            return "none logged";
        }
        int[] s = sizes.stream().mapToInt(Integer::intValue).sorted().toArray();
        long total = Arrays.stream(s).asLongStream().sum();
        long full = Arrays.stream(s).filter(n -> n == 50).count();
        return String.format("%d transactions, %d PDUs: PDUs per transaction median %d, mean %.1f, max %d; %d of 50;"
                + " %d failed (retried)", s.length, total, s[s.length / 2], (double) total / s.length, s[s.length - 1],
                full, failed);
    }

    /** What B's inbound side logged: transactions received, gap fills, refused or soft-failed PDUs. */
    private static String inboundSummary(Path log, long from) throws IOException {
        long received = 0;
        long gaps = 0;
        long refused = 0;
        long softFailed = 0;
        long failed = 0;
        for (String line : tail(log, from)) {
            if (line.contains("transaction received")) {
                received++;
            } else if (line.contains("gap filled")) {
                gaps++;
            } else if (line.contains("pdu not accepted") || line.contains("pulled event not accepted")) {
                refused++;
            } else if (line.contains("soft-failed")) {
                softFailed++;
            } else if (line.contains("pdu failed")) {
                failed++;
            }
        }
        return received + " transactions received; gap fills (get_missing_events) " + gaps + "; PDUs not accepted "
                + refused + ", soft-failed " + softFailed + ", failed " + failed;
    }

    private static List<String> tail(Path log, long from) throws IOException {
        byte[] bytes = Files.readAllBytes(log);
        return new String(bytes, (int) Math.min(from, bytes.length), (int) Math.max(0, bytes.length - from),
                java.nio.charset.StandardCharsets.UTF_8).lines().toList();
    }

    /** Every message of the phase in the room on this server, oldest first, by /messages backwards. */
    private List<Long> history(Client client, Client.User user, String phase) throws Exception {
        List<Long> newestFirst = new ArrayList<>();
        String from = null;
        while (true) {
            String path = V3 + "/rooms/" + Client.encode(roomId) + "/messages?dir=b&limit=1000"
                    + (from == null ? "" : "&from=" + Client.encode(from));
            Client.Reply reply = client.call("GET", path, null, user.token(), Duration.ofSeconds(120));
            if (reply.status() != 200) {
                throw new IllegalStateException("/messages: HTTP " + reply.status() + " " + reply.body());
            }
            JsonNode json = reply.json();
            JsonNode chunk = json.path("chunk");
            for (JsonNode event : chunk) {
                JsonNode content = event.path("content");
                if (phase.equals(content.path("fb_phase").asText())) {
                    newestFirst.add(content.path("fb_seq").asLong());
                }
            }
            if (chunk.isEmpty() || !json.hasNonNull("end")) {
                break;
            }
            from = json.path("end").asText();
        }
        List<Long> oldestFirst = new ArrayList<>(newestFirst);
        java.util.Collections.reverse(oldestFirst);
        return oldestFirst;
    }

    private static long logSize(ServerProcess server) throws IOException {
        return Files.size(server.log());
    }

    private static Scenarios.Row row(String scenario, String metric, String value) {
        System.out.println("loadgen: " + scenario + " | " + metric + " | " + value);
        return new Scenarios.Row(scenario, metric, value);
    }

    private void stop() throws InterruptedException {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
