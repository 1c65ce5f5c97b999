package dev.starling.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One user's long-polling /sync loop on one server for the federation scenarios: records when each generated
 * message (content {@code fb_phase}, {@code fb_seq}) first appears in the user's timeline, by the generator's
 * clock ({@code System.nanoTime}).
 */
final class Watcher implements AutoCloseable {
    private static final String FILTER = "{\"room\":{\"timeline\":{\"limit\":1000}}}";

    private final Client client;
    private final Client.User user;
    private final Map<String, Map<Long, Long>> arrivals = new ConcurrentHashMap<>();
    final AtomicLong limitedTimelines = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    Watcher(Client client, Client.User user) {
        this.client = client;
        this.user = user;
        this.thread = Thread.ofVirtual().name("watcher-" + user.userId()).start(this::loop);
    }

    /** Arrival times (nanoTime) by sequence number of a phase's messages seen so far. */
    Map<Long, Long> arrivals(String phase) {
        return arrivals.computeIfAbsent(phase, p -> new ConcurrentHashMap<>());
    }

    private void loop() {
        String since = null;
        while (running) {
            try {
                Client.Reply reply = client.sync(user, since, since == null ? 0 : 30_000, FILTER);
                long now = System.nanoTime();
                if (reply.status() != 200) {
                    errors.incrementAndGet();
                    Thread.sleep(200);
                    continue;
                }
                JsonNode json = reply.json();
                since = json.path("next_batch").asText();
                for (JsonNode room : json.path("rooms").path("join")) {
                    JsonNode timeline = room.path("timeline");
                    if (timeline.path("limited").asBoolean(false)) {
                        limitedTimelines.incrementAndGet();
                    }
                    for (JsonNode event : timeline.path("events")) {
                        JsonNode content = event.path("content");
                        if (content.has("fb_phase")) {
                            arrivals(content.path("fb_phase").asText()).putIfAbsent(content.path("fb_seq").asLong(), now);
                        }
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (running) {
                    errors.incrementAndGet();
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException stop) {
                        return;
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
