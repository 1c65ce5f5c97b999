package dev.starling.mesh.discovery;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * LAN discovery over IPv4 and IPv6 multicast: sends this node's {@link Beacon} on every chosen interface
 * once per {@link DiscoveryConfig#interval()} and reports other nodes' beacons to a {@link DiscoveryListener}
 * through a {@link BeaconFilter} (rate limits, bounded memory, own beacons ignored). The beacon token is
 * random and replaced every {@link DiscoveryConfig#tokenRotation()}; the last two tokens are recognised as
 * our own. One dual-stack UDP socket, one sender and one receiver virtual thread. Thread-safe.
 */
public final class Discovery implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Discovery.class.getName());

    private final DiscoveryConfig config;
    private final int tcpPort;
    private final DiscoveryListener listener;
    private final MulticastSocket socket;
    private final List<NetworkInterface> interfaces;
    private final SecureRandom random = new SecureRandom();
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final BeaconFilter filter;
    private volatile Beacon current;
    private volatile Beacon previous;
    private long rotatedAt;
    private Thread sender;
    private Thread receiver;

    private Discovery(DiscoveryConfig config, int tcpPort, DiscoveryListener listener, MulticastSocket socket,
                      List<NetworkInterface> interfaces) {
        this.config = config;
        this.tcpPort = tcpPort;
        this.listener = listener;
        this.socket = socket;
        this.interfaces = interfaces;
        this.rotatedAt = System.nanoTime();
        this.current = new Beacon(tcpPort, newToken());
        this.filter = new BeaconFilter(config, this::isOwn, System.nanoTime());
    }

    /** Joins the groups on the configured interfaces and starts beaconing {@code tcpPort}. */
    public static Discovery start(DiscoveryConfig config, int tcpPort, DiscoveryListener listener) throws IOException {
        List<NetworkInterface> interfaces = chooseInterfaces(config);
        MulticastSocket socket = new MulticastSocket(null);
        try {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(config.udpPort()));
            socket.setTimeToLive(1); // never routed beyond the link
            socket.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true); // nodes on one host see each other
            List<NetworkInterface> joined = new ArrayList<>();
            for (NetworkInterface nif : interfaces) {
                boolean any = false;
                for (InetAddress group : List.of(config.ipv4Group(), config.ipv6Group())) {
                    if (!hasFamily(nif, group)) {
                        continue;
                    }
                    try {
                        socket.joinGroup(new InetSocketAddress(group, 0), nif);
                        any = true;
                    } catch (IOException e) {
                        LOG.log(System.Logger.Level.WARNING, "event=discovery_join_failed interface={0} group={1} error={2}",
                                nif.getName(), group.getHostAddress(), e.getMessage());
                    }
                }
                if (any) {
                    joined.add(nif);
                }
            }
            if (joined.isEmpty()) {
                throw new IOException("no interface to discover peers on (configured: " + config.interfaces() + ")");
            }
            Discovery discovery = new Discovery(config, tcpPort, listener, socket, List.copyOf(joined));
            discovery.sender = Thread.ofVirtual().name("mesh-discovery-send").start(discovery::sendLoop);
            discovery.receiver = Thread.ofVirtual().name("mesh-discovery-receive").start(discovery::receiveLoop);
            LOG.log(System.Logger.Level.INFO, "event=discovery_started udp_port={0} interfaces={1}",
                    String.valueOf(config.udpPort()), joined.stream().map(NetworkInterface::getName).toList());
            return discovery;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static List<NetworkInterface> chooseInterfaces(DiscoveryConfig config) throws SocketException {
        List<NetworkInterface> chosen = new ArrayList<>();
        if (!config.interfaces().isEmpty()) {
            for (String name : config.interfaces()) {
                NetworkInterface nif = NetworkInterface.getByName(name);
                if (nif == null || !nif.isUp()) {
                    throw new SocketException("interface " + name + " does not exist or is down");
                }
                chosen.add(nif);
            }
            return chosen;
        }
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nif.isUp() && nif.supportsMulticast() && !nif.isLoopback()) {
                chosen.add(nif);
            }
        }
        return chosen;
    }

    private static boolean hasFamily(NetworkInterface nif, InetAddress group) {
        return Collections.list(nif.getInetAddresses()).stream()
                .anyMatch(a -> group instanceof Inet4Address ? a instanceof Inet4Address : a instanceof Inet6Address);
    }

    private byte[] newToken() {
        byte[] token = new byte[Beacon.TOKEN_BYTES];
        random.nextBytes(token);
        return token;
    }

    private boolean isOwn(Beacon beacon) {
        Beacon now = current;
        Beacon before = previous;
        return beacon.hasToken(now.token()) || (before != null && beacon.hasToken(before.token()));
    }

    /** The beacon being sent now (tests). */
    Beacon currentBeacon() {
        return current;
    }

    private void sendLoop() {
        long intervalMillis = config.interval().toMillis();
        while (open.get()) {
            long now = System.nanoTime();
            if (now - rotatedAt >= config.tokenRotation().toNanos()) {
                previous = current;
                current = new Beacon(tcpPort, newToken());
                rotatedAt = now;
            }
            byte[] bytes = current.encode();
            for (NetworkInterface nif : interfaces) {
                for (InetAddress group : List.of(config.ipv4Group(), config.ipv6Group())) {
                    if (!hasFamily(nif, group)) {
                        continue;
                    }
                    try {
                        synchronized (socket) {
                            socket.setNetworkInterface(nif);
                            socket.send(new DatagramPacket(bytes, bytes.length, group, config.udpPort()));
                        }
                    } catch (IOException e) {
                        if (open.get()) {
                            LOG.log(System.Logger.Level.DEBUG, "event=discovery_send_failed interface={0} group={1} error={2}",
                                    nif.getName(), group.getHostAddress(), e.getMessage());
                        }
                    }
                }
            }
            try {
                // Up to 10 % jitter below the interval, never above: the interval is a maximum.
                long jitter = intervalMillis / 10 == 0 ? 0 : random.nextLong(intervalMillis / 10);
                TimeUnit.MILLISECONDS.sleep(intervalMillis - jitter);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void receiveLoop() {
        // Only a beacon's worth is read: a larger datagram is truncated to SIZE + 1 and so refused by length.
        byte[] buffer = new byte[Beacon.SIZE + 1];
        long lastSummary = System.nanoTime();
        while (open.get()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (IOException e) {
                if (open.get()) {
                    LOG.log(System.Logger.Level.WARNING, "event=discovery_receive_failed error={0}", e.getMessage());
                }
                continue;
            }
            long now = System.nanoTime();
            Optional<Beacon> beacon;
            synchronized (filter) {
                beacon = filter.accept(packet.getAddress(), packet.getData(), packet.getOffset(), packet.getLength(), now);
                filter.dropReport(now, TimeUnit.SECONDS.toNanos(10)).ifPresent(report -> LOG.log(
                        System.Logger.Level.WARNING, "event=discovery_beacons_dropped {0}", report));
                if (now - lastSummary > TimeUnit.MINUTES.toNanos(1)) {
                    filter.expire(now);
                    LOG.log(System.Logger.Level.DEBUG, "event=discovery_stats sources={0} {1}",
                            String.valueOf(filter.sourceCount()), String.join(" ", filter.summary()));
                    lastSummary = now;
                }
            }
            if (beacon.isPresent()) {
                InetSocketAddress address = new InetSocketAddress(packet.getAddress(), beacon.get().tcpPort());
                try {
                    listener.onPeer(new DiscoveredPeer(address));
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "event=discovery_listener_failed", e);
                }
            }
        }
    }

    @Override
    public void close() {
        if (!open.compareAndSet(true, false)) {
            return;
        }
        socket.close();
        if (sender != null) {
            sender.interrupt();
        }
    }

    @Override
    public String toString() {
        return "Discovery[udp=" + config.udpPort() + ", tcp=" + tcpPort + "]";
    }
}
