package dev.starling.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Linux network namespaces for tests that run real {@code starling node} processes on separate hosts: creates
 * namespaces (loopback up, no duplicate address detection), joins two with a veth pair, cuts and heals a link,
 * and deletes every namespace it made on {@link #close}. No IP forwarding is enabled, so namespaces not joined
 * directly cannot reach each other. Needs root and iproute2 ({@link #available}).
 */
final class Netns implements AutoCloseable {
    private static final Path IP = Path.of("/usr/sbin/ip");

    private final String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(100000, 999999));
    private final List<String> made = new ArrayList<>();

    /** Whether this process is root and {@code ip} exists (as in CI). */
    static boolean available() throws IOException {
        String uid = new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes(),
                StandardCharsets.UTF_8).trim();
        return "0".equals(uid) && Files.isExecutable(IP);
    }

    /** Creates namespace {@code stl-<base>-<random>} and returns its name. */
    String add(String base) throws IOException, InterruptedException {
        String ns = "stl-" + base + "-" + suffix;
        run("ip", "netns", "add", ns);
        made.add(ns);
        run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0",
                "net.ipv6.conf.default.accept_dad=0");
        run("ip", "-n", ns, "link", "set", "lo", "up");
        return ns;
    }

    /** Joins {@code nsA} (interface {@code ifA}, address {@code addrA}, CIDR) and {@code nsB} with a veth pair. */
    void veth(String nsA, String ifA, String addrA, String nsB, String ifB, String addrB)
            throws IOException, InterruptedException {
        run("ip", "-n", nsA, "link", "add", ifA, "type", "veth", "peer", "name", ifB, "netns", nsB);
        run("ip", "-n", nsA, "addr", "add", addrA, "dev", ifA);
        run("ip", "-n", nsB, "addr", "add", addrB, "dev", ifB);
        up(nsA, ifA);
        up(nsB, ifB);
    }

    void up(String ns, String iface) throws IOException, InterruptedException {
        run("ip", "-n", ns, "link", "set", iface, "up");
    }

    void down(String ns, String iface) throws IOException, InterruptedException {
        run("ip", "-n", ns, "link", "set", iface, "down");
    }

    /** Deletes every namespace made here (their veth ends go with them); best effort. */
    @Override
    public void close() {
        for (String ns : made) {
            try {
                run("ip", "netns", "del", ns);
            } catch (IOException | InterruptedException ignored) {
                // best effort cleanup
            }
        }
        made.clear();
    }

    static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}
