package dev.starling.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One window of load (a warm-up or the measured window of (a), (b) or (s)): the acknowledged sends, also per
 * one-second slot from its start, their latencies, failures, and at its end the CPU the server and this
 * generator used over it ({@code utime + stime} of /proc/<pid>/stat) and the sync answers received.
 */
final class Phase {
    private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

    final Latencies sends = new Latencies();
    final AtomicLong failed = new AtomicLong();
    private final AtomicLongArray perSecond;
    private final long start = System.nanoTime();
    private final ServerProcess server;
    private final Population population;
    private final Duration serverCpuBefore;
    private final Duration selfCpuBefore;
    private final Duration selfSystemBefore;
    private final Duration selfJitBefore;
    private final long answersBefore;
    private double sendSeconds;
    private double seconds;
    private Duration serverCpu;
    private Duration selfCpu;
    private Duration selfSystem;
    private Duration selfJit;
    private long answers;

    Phase(Population population, ServerProcess server, Duration length) throws IOException {
        this.population = population;
        this.server = server;
        this.perSecond = new AtomicLongArray((int) length.toSeconds() + 120);
        this.serverCpuBefore = server == null ? null : server.cpuTime();
        this.selfCpuBefore = selfCpuTime();
        this.selfSystemBefore = systemTimeOf(Path.of("/proc/self/stat"));
        this.selfJitBefore = selfJitTime();
        this.answersBefore = population.syncAnswers.get();
    }

    long start() {
        return start;
    }

    /** A send answered 200 with an event ID, sent at {@code sentNanos} (System.nanoTime) and answered now. */
    void acknowledged(long sentNanos) {
        long now = System.nanoTime();
        sends.add(now - sentNanos);
        int slot = (int) ((now - start) / 1_000_000_000L);
        if (slot < perSecond.length()) {
            perSecond.incrementAndGet(slot);
        }
    }

    /** The last send was answered: the rate's window ends here. */
    void sendsDone() {
        sendSeconds = (System.nanoTime() - start) / 1e9;
    }

    /** Everything the phase caused is done (deliveries drained): CPU and sync answers are read here. */
    void end() throws IOException {
        seconds = (System.nanoTime() - start) / 1e9;
        serverCpu = server == null ? null : server.cpuTime().minus(serverCpuBefore);
        selfCpu = selfCpuTime().minus(selfCpuBefore);
        selfSystem = systemTimeOf(Path.of("/proc/self/stat")).minus(selfSystemBefore);
        Duration jit = selfJitTime().minus(selfJitBefore); // a compiler thread that ended takes its time along
        selfJit = jit.isNegative() ? Duration.ZERO : jit;
        answers = population.syncAnswers.get() - answersBefore;
    }

    long acked() {
        return sends.count();
    }

    double sendsPerSecond() {
        return acked() / sendSeconds;
    }

    double sendSeconds() {
        return sendSeconds;
    }

    long syncAnswers() {
        return answers;
    }

    /** Median, min and max of the acknowledged sends in each whole second of the send window. */
    String perSecondRates() {
        int whole = (int) Math.min(Math.floor(sendSeconds), perSecond.length());
        if (whole == 0) {
            return "no whole second";
        }
        long[] r = new long[whole];
        for (int i = 0; i < whole; i++) {
            r[i] = perSecond.get(i);
        }
        Arrays.sort(r);
        return String.format("median %d, min %d, max %d (%d one-second slots)", r[(whole - 1) / 2], r[0],
                r[whole - 1], whole);
    }

    /** The rows on CPU: the server's (share of one core, per message, per request) and this generator's. */
    List<Scenarios.Row> cpuRows(String name) throws IOException {
        List<Scenarios.Row> rows = new ArrayList<>();
        long acked = Math.max(1, acked());
        if (server != null) {
            long requests = acked() + answers;
            rows.add(new Scenarios.Row(name, "server CPU (of one core), RSS", String.format("%.0f%%, %d MiB",
                    100.0 * serverCpu.toMillis() / (seconds * 1000), server.rssKiB() / 1024)));
            rows.add(new Scenarios.Row(name, "server CPU per acknowledged message; per request (sends + sync answers)",
                    String.format("%.2f ms; %.2f ms (%d requests; 5,000 msg/s on two cores needs ≤ 0.40 ms/message)",
                            serverCpu.toMillis() / (double) acked, serverCpu.toMillis() / (double) Math.max(1, requests),
                            requests)));
        }
        rows.add(new Scenarios.Row(name, "generator CPU (of one core); per acknowledged message", String.format(
                "%.0f%%; %.3f ms, of it %.3f ms in the kernel and %.3f ms in the JIT compiler threads (the whole"
                        + " generator process: sends, sync loops, GC, JIT)",
                100.0 * selfCpu.toMillis() / (seconds * 1000), selfCpu.toMillis() / (double) acked,
                selfSystem.toMillis() / (double) acked, selfJit.toMillis() / (double) acked)));
        return rows;
    }

    /** This process's CPU time so far, user plus system. */
    static Duration selfCpuTime() throws IOException {
        return cpuTimeOf(Path.of("/proc/self/stat"));
    }

    /** {@code utime + stime} of a /proc/<pid>/stat file. */
    static Duration cpuTimeOf(Path stat) throws IOException {
        String[] fields = statFields(stat);
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return Duration.ofMillis(ticks * 1000 / CLOCK_TICKS_PER_SECOND);
    }

    /** CPU time so far of this process's JIT compiler threads ({@code C1/C2 CompilerThread*}). */
    static Duration selfJitTime() throws IOException {
        Duration sum = Duration.ZERO;
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String text = Files.readString(task.resolve("stat"));
                    String name = text.substring(text.indexOf('(') + 1, text.lastIndexOf(')'));
                    if (name.contains("CompilerThre")) {
                        sum = sum.plus(cpuTimeOf(task.resolve("stat")));
                    }
                } catch (IOException ended) {
                    // the thread ended meanwhile
                }
            }
        }
        return sum;
    }

    /** {@code stime} (CPU time in the kernel) of a /proc/<pid>/stat file. */
    static Duration systemTimeOf(Path stat) throws IOException {
        return Duration.ofMillis(Long.parseLong(statFields(stat)[12]) * 1000 / CLOCK_TICKS_PER_SECOND);
    }

    private static String[] statFields(Path stat) throws IOException {
        String text = Files.readString(stat);
        // Fields after the command name (which may hold spaces) start after the last ')'.
        return text.substring(text.lastIndexOf(')') + 2).split(" ");
    }
}
