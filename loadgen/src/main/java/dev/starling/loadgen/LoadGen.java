package dev.starling.loadgen;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code loadgen [--option value]...}: the server load generator (see the package documentation). Without
 * {@code --url} it starts the homeserver itself as a child process ({@link LoadServer}) on a temporary data
 * directory, which also lets it read the server's memory and CPU from /proc.
 */
public final class LoadGen {
    private static final Map<String, String> DEFAULTS = new java.util.LinkedHashMap<>();

    static {
        DEFAULTS.put("scenarios", "w,d,a,b,c");
        DEFAULTS.put("writers", "64");
        DEFAULTS.put("duration-w", "10");
        DEFAULTS.put("users", "100");
        DEFAULTS.put("rooms", "20");
        DEFAULTS.put("rate", "1000");
        DEFAULTS.put("duration", "20");
        DEFAULTS.put("senders", "200");
        DEFAULTS.put("duration-b", "15");
        DEFAULTS.put("duration-s", "15");
        DEFAULTS.put("warmup", "20");
        DEFAULTS.put("client", "raw");
        DEFAULTS.put("idle", "10000");
        DEFAULTS.put("window", "10");
        DEFAULTS.put("fed-messages", "3000");
        DEFAULTS.put("fed-catchup", "10000");
        DEFAULTS.put("fed-in-flight", "64");
        DEFAULTS.put("url", "");
        DEFAULTS.put("postgres", "");
        DEFAULTS.put("launcher", "");
        DEFAULTS.put("server-jvm-opts", "");
        DEFAULTS.put("data", "");
    }

    private LoadGen() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        Set<String> scenarios = Set.of(o.get("scenarios").split(","));
        boolean temporary = o.get("data").isEmpty();
        Path data = temporary ? Files.createTempDirectory("starling-loadgen-") : Path.of(o.get("data"));
        List<Scenarios.Row> rows = new ArrayList<>();
        System.out.println("loadgen: " + String.join(" ", args) + "\nloadgen: data in " + data
                + (temporary ? " (deleted at the end; --data DIR keeps it)" : ""));

        if (scenarios.contains("w")) {
            rows.addAll(print(WritePath.run(Files.createDirectories(data.resolve("write")), intOf(o, "writers"),
                    Duration.ofSeconds(intOf(o, "duration-w")))));
        }
        if (scenarios.contains("d")) {
            rows.addAll(startUp(o, data.resolve("startup")));
        }
        if (scenarios.contains("a") || scenarios.contains("b") || scenarios.contains("c") || scenarios.contains("s")) {
            ServerProcess server = null;
            String url = o.get("url");
            if (url.isEmpty()) {
                List<String> jvm = o.get("server-jvm-opts").isBlank() ? List.of()
                        : Arrays.asList(o.get("server-jvm-opts").trim().split("\\s+"));
                server = ServerProcess.loadServer(data.resolve("server"), jvm,
                        o.get("postgres").isEmpty() ? null : o.get("postgres"));
                url = server.baseUrl();
                System.out.println("loadgen: LoadServer pid " + server.pid() + " at " + url);
            }
            try {
                Client client = new Client(url);
                long t0 = System.nanoTime();
                try (Population population = Population.create(client, intOf(o, "users"), intOf(o, "rooms"),
                        "lg" + Long.toString(System.currentTimeMillis(), 36))) {
                    System.out.printf("loadgen: %d users, %d rooms ready in %.1f s%n", population.users.size(),
                            population.rooms.size(), (System.nanoTime() - t0) / 1e9);
                    Sender.Kind kind = Sender.Kind.parse(o.get("client"));
                    Scenarios.Load load = new Scenarios.Load(population, server, kind,
                            Duration.ofSeconds(intOf(o, "warmup")));
                    if (scenarios.contains("s")) { // before the sync loops start
                        rows.addAll(print(Scenarios.sendsOnly(load, intOf(o, "senders"),
                                Duration.ofSeconds(intOf(o, "duration-s")))));
                    }
                    population.startSyncing(kind);
                    if (scenarios.contains("a")) {
                        rows.addAll(print(Scenarios.offeredLoad(load, intOf(o, "rate"),
                                Duration.ofSeconds(intOf(o, "duration")))));
                    }
                    if (scenarios.contains("b")) {
                        rows.addAll(print(Scenarios.maxSends(load, intOf(o, "senders"),
                                Duration.ofSeconds(intOf(o, "duration-b")))));
                    }
                    if (scenarios.contains("c")) {
                        rows.addAll(print(IdleSyncs.run(population, server, intOf(o, "idle"),
                                Duration.ofSeconds(intOf(o, "window")))));
                    }
                }
            } finally {
                if (server != null) {
                    server.close();
                }
            }
        }
        if (scenarios.contains("f")) {
            List<String> jvm = o.get("server-jvm-opts").isBlank() ? List.of()
                    : Arrays.asList(o.get("server-jvm-opts").trim().split("\\s+"));
            rows.addAll(FedBench.run(Files.createDirectories(data.resolve("federation")), jvm,
                    intOf(o, "fed-messages"), intOf(o, "fed-catchup"), intOf(o, "fed-in-flight")));
        }
        System.out.println();
        System.out.println(table(rows, o));
        if (temporary) {
            deleteTree(data); // a run's database and WAL are hundreds of MB
        }
        System.exit(0);
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** (d) The real server through the launcher, if given, else {@link LoadServer}: a first and a later start. */
    private static List<Scenarios.Row> startUp(Map<String, String> o, Path dir) throws Exception {
        List<Scenarios.Row> rows = new ArrayList<>();
        String what = o.get("launcher").isEmpty() ? "(d) LoadServer start" : "(d) `starling server` start";
        int port = freePort();
        for (String start : List.of("first start (new data dir: migrations, signing key)", "later start")) {
            try (ServerProcess server = o.get("launcher").isEmpty()
                    ? ServerProcess.loadServer(dir, List.of(), null)
                    : ServerProcess.launcher(Path.of(o.get("launcher")), dir, port)) {
                long readyMs = server.startToReady().toMillis();
                Scenarios.Usage idle = Scenarios.Usage.measure(server, Duration.ofSeconds(5));
                rows.addAll(print(List.of(
                        new Scenarios.Row(what, start + ": launch → first 200 of /versions", readyMs + " ms"),
                        new Scenarios.Row(what, start + ": idle RSS 5 s after ready, idle CPU",
                                idle.rssKiB() / 1024 + String.format(" MiB, %.1f%%", idle.cpuPercent())))));
            }
        }
        return rows;
    }

    private static List<Scenarios.Row> print(List<Scenarios.Row> rows) {
        for (Scenarios.Row r : rows) {
            System.out.println("loadgen: " + r.scenario() + " | " + r.metric() + " | " + r.value());
        }
        return rows;
    }

    private static String table(List<Scenarios.Row> rows, Map<String, String> o) throws IOException {
        StringBuilder t = new StringBuilder();
        t.append("Run ").append(Instant.now()).append(" on ").append(machine()).append(", JDK ")
                .append(Runtime.version()).append('\n');
        t.append("Options: ").append(o).append("\n\n");
        t.append("| scenario | metric | result |\n|---|---|---|\n");
        for (Scenarios.Row r : rows) {
            t.append("| ").append(r.scenario()).append(" | ").append(r.metric()).append(" | ").append(r.value())
                    .append(" |\n");
        }
        return t.toString();
    }

    private static String machine() throws IOException {
        String model = "unknown CPU";
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.exists(cpuinfo)) {
            for (String line : Files.readAllLines(cpuinfo)) {
                if (line.startsWith("model name")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        }
        return Runtime.getRuntime().availableProcessors() + " × " + model;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static int intOf(Map<String, String> o, String key) {
        return Integer.parseInt(o.get(key));
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new HashMap<>(DEFAULTS);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                System.out.println("loadgen [--option value]... options and defaults: " + DEFAULTS
                        + "\n  scenarios: w (storage write path, group commit on/off), d (start-up, idle RSS), a (offered rate, delivery latency), b (max sends/s),"
                        + " c (idle long-polls), s (max sends/s with no /sync running, --duration-s; not in the default list; runs before the"
                        + " sync loops start), f (federation between two servers: PDUs/s one way and both ways,"
                        + " catch-up after missing --fed-catchup messages; not in the default list)\n  --url: an existing server (its rate limits must allow the load;"
                        + " no CPU/RSS then)\n  --postgres: a JDBC URL for the started server\n  --launcher: the"
                        + " ./starling launcher, for (d) on the real `starling server`\n  --warmup: seconds of the same load, not counted,"
                        + " before (a), (b) and (s) each measure (the server's JIT warms up; 0: none)\n  --client: raw (HTTP/1.1 keep-alive on"
                        + " plain sockets, prebuilt requests, answers scanned without a JSON tree: sends of (a), (b), (s) and the sync loops)"
                        + " or jdk (java.net.http and Jackson trees, the generator's earlier client, about 10x its CPU per message)");
                System.exit(0);
            }
            if (!a.startsWith("--") || !DEFAULTS.containsKey(a.substring(2)) || i + 1 >= args.length) {
                System.err.println("loadgen: unknown option or missing value: " + a + " (--help lists them)");
                System.exit(2);
            }
            o.put(a.substring(2), args[++i]);
        }
        return o;
    }
}
