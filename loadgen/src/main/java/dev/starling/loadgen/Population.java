package dev.starling.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The users and rooms of a run, and one long-polling /sync loop per user that times every message it sees
 * arrive. A message carries {@value #SENT_KEY}: nanoseconds on this process's clock when it was sent; the
 * receiver subtracts it from its own clock on arrival. Everything else in a sync answer (typing, receipts,
 * to-device, presence... whatever the server adds) is ignored, so new sync streams do not break the tool.
 */
final class Population implements AutoCloseable {
    static final String SENT_KEY = "loadgen_ns";
    static final String RUN_KEY = "loadgen_run";
    /** A larger timeline limit than the default 10, so bursts do not show up as gaps. */
    private static final String FILTER = "{\"room\":{\"timeline\":{\"limit\":200}}}";

    final Client client;
    final List<Client.User> users;
    final List<String> rooms;
    /** For each user, the room it sends to (user i: room i mod R). */
    final List<String> roomOfUser;
    final int membersPerRoom;
    /** For each user, how many members its room has (each receives every message the user sends there). */
    final int[] membersOfUser;
    private final long origin;
    private final ExecutorService syncers = Executors.newVirtualThreadPerTaskExecutor();
    private volatile boolean syncing;
    /** The run whose messages are timed now (messages of other runs are counted as late arrivals only). */
    private final AtomicReference<String> currentRun = new AtomicReference<>("");
    private volatile Latencies deliveries = new Latencies();
    final AtomicLong syncErrors = new AtomicLong();
    final AtomicLong limitedTimelines = new AtomicLong();
    /** Incremental sync answers received (every loop, whatever they held): the server's sync work. */
    final AtomicLong syncAnswers = new AtomicLong();
    private volatile String filter = FILTER;

    Population(Client client, List<Client.User> users, List<String> rooms, long origin) {
        this.client = client;
        this.users = users;
        this.rooms = rooms;
        this.origin = origin;
        List<String> of = new ArrayList<>();
        for (int i = 0; i < users.size(); i++) {
            of.add(rooms.get(i % rooms.size()));
        }
        this.roomOfUser = List.copyOf(of);
        this.membersPerRoom = (int) Math.ceil((double) users.size() / rooms.size());
        this.membersOfUser = new int[users.size()];
        for (int i = 0; i < users.size(); i++) {
            for (String r : roomOfUser) {
                if (r.equals(roomOfUser.get(i))) {
                    membersOfUser[i]++;
                }
            }
        }
    }

    /** Registers {@code userCount} users and creates {@code roomCount} rooms; user i joins room i mod R. */
    static Population create(Client client, int userCount, int roomCount, String prefix) throws Exception {
        long origin = System.nanoTime();
        List<Client.User> users = new ArrayList<>();
        Semaphore parallel = new Semaphore(16);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Client.User>> registered = new ArrayList<>();
            for (int i = 0; i < userCount; i++) {
                String name = prefix + "u" + i;
                registered.add(pool.submit(() -> {
                    parallel.acquire();
                    try {
                        return client.register(name);
                    } finally {
                        parallel.release();
                    }
                }));
            }
            for (Future<Client.User> u : registered) {
                users.add(u.get());
            }
            List<String> rooms = new ArrayList<>();
            for (int r = 0; r < roomCount; r++) {
                rooms.add(client.createRoom(users.get(r % userCount)));
            }
            List<Future<?>> joins = new ArrayList<>();
            for (int i = roomCount; i < userCount; i++) {
                Client.User user = users.get(i);
                String room = rooms.get(i % roomCount);
                joins.add(pool.submit(() -> {
                    parallel.acquire();
                    try {
                        client.join(user, room);
                    } finally {
                        parallel.release();
                    }
                    return null;
                }));
            }
            for (Future<?> j : joins) {
                j.get();
            }
            return new Population(client, List.copyOf(users), List.copyOf(rooms), origin);
        }
    }

    /** Nanoseconds since this population's origin: the clock of {@value #SENT_KEY}. */
    long now() {
        return System.nanoTime() - origin;
    }

    /** The content of a timed message of {@code run}, sent now. */
    String message(String run) {
        return messagePrefix(run) + now() + "}";
    }

    /** A timed message's content up to its send time, which follows, then a closing brace. */
    static String messagePrefix(String run) {
        return "{\"msgtype\":\"m.text\",\"body\":\"loadgen\",\"" + RUN_KEY + "\":\"" + run + "\",\"" + SENT_KEY + "\":";
    }

    /** Times deliveries of {@code run}'s messages from now on, into a fresh recorder that is returned. */
    Latencies timeDeliveries(String run) {
        Latencies fresh = new Latencies();
        deliveries = fresh;
        currentRun.set(run);
        return fresh;
    }

    /**
     * Starts every user's sync loop, over {@link RawConnection}s read with {@link SyncScan} ({@code raw}) or
     * through the JDK client read as a Jackson tree ({@code jdk}); returns once each has its first (initial) sync.
     */
    void startSyncing(Sender.Kind kind) throws Exception {
        syncing = true;
        List<Future<?>> ready = new ArrayList<>();
        for (Client.User user : users) {
            java.util.concurrent.CompletableFuture<Void> first = new java.util.concurrent.CompletableFuture<>();
            ready.add(first);
            syncers.submit(() -> {
                if (kind == Sender.Kind.RAW) {
                    rawSyncLoop(user, first);
                } else {
                    syncLoop(user, first);
                }
            });
        }
        for (Future<?> f : ready) {
            f.get();
        }
    }

    private void syncLoop(Client.User user, java.util.concurrent.CompletableFuture<Void> first) {
        String since = null;
        while (syncing) {
            try {
                Client.Reply reply = client.sync(user, since, since == null ? 0 : 30_000, filter);
                if (reply.status() == 400 && filter != null && since == null) {
                    filter = null; // a server that does not take this filter: sync without one
                    continue;
                }
                if (reply.status() != 200) {
                    syncErrors.incrementAndGet();
                    Thread.sleep(100);
                    continue;
                }
                long arrived = now();
                JsonNode json = reply.json();
                if (since != null) {
                    syncAnswers.incrementAndGet();
                    record(json, arrived);
                }
                since = json.path("next_batch").asText(since);
                first.complete(null);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (!countedAndPaused()) {
                    return;
                }
            }
        }
    }

    /** {@link #syncLoop} over one keep-alive {@link RawConnection}, the answers read by {@link SyncScan}. */
    private void rawSyncLoop(Client.User user, java.util.concurrent.CompletableFuture<Void> first) {
        String since = null;
        String encodedFilterOf = null;
        String encodedFilter = null;
        try (RawConnection connection = new RawConnection(client.baseUrl())) {
            String headers = " HTTP/1.1\r\nHost: " + connection.hostHeader() + "\r\nAuthorization: Bearer " + user.token()
                    + "\r\n\r\n";
            while (syncing) {
                try {
                    StringBuilder request = new StringBuilder(256).append("GET /_matrix/client/v3/sync?timeout=")
                            .append(since == null ? 0 : 30_000);
                    if (since != null) {
                        request.append("&since=").append(Client.encode(since));
                    }
                    String f = filter;
                    if (f != null) {
                        if (!f.equals(encodedFilterOf)) {
                            encodedFilter = Client.encode(f);
                            encodedFilterOf = f;
                        }
                        request.append("&filter=").append(encodedFilter);
                    }
                    byte[] bytes = request.append(headers).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    int status = connection.exchange(bytes, bytes.length);
                    if (status == 400 && f != null && since == null) {
                        filter = null; // a server that does not take this filter: sync without one
                        continue;
                    }
                    if (status != 200) {
                        syncErrors.incrementAndGet();
                        Thread.sleep(100);
                        continue;
                    }
                    long arrived = now();
                    Latencies into = deliveries;
                    SyncScan.Result scan = SyncScan.scan(connection.buffer(), connection.bodyStart(),
                            connection.bodyLength(), since == null ? "" : currentRun.get(),
                            sent -> into.add(arrived - sent));
                    if (since != null) {
                        syncAnswers.incrementAndGet();
                        limitedTimelines.addAndGet(scan.limitedTimelines());
                    }
                    if (scan.nextBatch() != null) {
                        since = scan.nextBatch();
                    }
                    first.complete(null);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    if (!countedAndPaused()) {
                        return;
                    }
                }
            }
        }
    }

    private void record(JsonNode sync, long arrived) {
        String run = currentRun.get();
        Latencies into = deliveries;
        for (Iterator<Map.Entry<String, JsonNode>> rooms = sync.path("rooms").path("join").fields(); rooms.hasNext();) {
            JsonNode timeline = rooms.next().getValue().path("timeline");
            if (timeline.path("limited").asBoolean(false)) {
                limitedTimelines.incrementAndGet();
            }
            for (JsonNode event : timeline.path("events")) {
                JsonNode content = event.path("content");
                if (content.has(SENT_KEY) && run.equals(content.path(RUN_KEY).asText())) {
                    into.add(arrived - content.path(SENT_KEY).asLong());
                }
            }
        }
    }

    @Override
    public void close() {
        syncing = false;
        syncers.shutdownNow();
    }

    /**
     * After a failed sync: false when the loops are stopping (the failure is the stop's) or the wait is
     * interrupted; otherwise counts the error, waits 100 ms and returns true.
     */
    private boolean countedAndPaused() {
        if (!syncing) {
            return false;
        }
        syncErrors.incrementAndGet();
        try {
            Thread.sleep(100);
            return true;
        } catch (InterruptedException stop) {
            return false;
        }
    }
}
