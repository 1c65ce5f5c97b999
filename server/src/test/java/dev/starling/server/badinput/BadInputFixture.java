package dev.starling.server.badinput;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starling.server.TestHomeServer;
import dev.starling.server.TestHomeServer.Reply;
import dev.starling.server.rooms.RoomClient;
import dev.starling.server.storage.Backend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One server for a bad-input table: alice, who created a private room and sent a message in it; bob, who is in
 * no room; a revoked token (logged out); and the row counts of every table a request could write, to prove
 * that a refused request stored nothing.
 */
final class BadInputFixture implements AutoCloseable {
    /** Tables a client request can write today; extend as areas arrive (keys, media, account data...). */
    static final List<String> TABLES = List.of("users", "devices", "access_tokens", "rooms", "events", "event_edges",
            "current_state", "state_groups", "txn_ids", "registration_tokens");

    /** Who sends a request. */
    enum Who { ALICE, BOB, NOBODY, UNKNOWN_TOKEN, REVOKED_TOKEN }

    /**
     * One row of a table: a request and the answer the spec wants. {@code errcodes} lists the acceptable codes
     * when the spec allows more than one (e.g. a missing key: {@code M_MISSING_PARAM} or {@code M_BAD_JSON}).
     */
    record Case(String name, String method, Function<BadInputFixture, String> path, String body, Who who, int status,
            Set<String> errcodes) {
        static Case of(String name, String method, Function<BadInputFixture, String> path, String body, Who who,
                int status, String... errcodes) {
            return new Case(name, method, path, body, who, status, Set.of(errcodes));
        }

        @Override
        public String toString() {
            return name;
        }
    }

    final TestHomeServer server;
    final String alice;
    final String bob;
    final String revoked;
    final String roomId;
    final String eventId;

    BadInputFixture(Backend backend) {
        server = TestHomeServer.start(backend, true, List.of());
        alice = RoomClient.register(server, "alice");
        bob = RoomClient.register(server, "bob");
        revoked = RoomClient.register(server, "carol");
        assertThat(server.post("/_matrix/client/v3/logout", "{}", revoked).status()).isEqualTo(200);
        roomId = RoomClient.createRoom(server, alice, "{\"preset\":\"private_chat\"}");
        Reply sent = RoomClient.message(server, alice, roomId, "setup", "hello");
        assertThat(sent.status()).isEqualTo(200);
        eventId = sent.json().path("event_id").asText();
    }

    /** The room's path prefix, {@code /_matrix/client/v3/rooms/<encoded room ID>}. */
    String room() {
        return RoomClient.room(roomId);
    }

    String token(Who who) {
        return switch (who) {
            case ALICE -> alice;
            case BOB -> bob;
            case NOBODY -> null;
            case UNKNOWN_TOKEN -> "stt_this_token_was_never_issued";
            case REVOKED_TOKEN -> revoked;
        };
    }

    Reply send(Case c) {
        if (c.body() != null && c.body().length() > 100_000) {
            return sendExpectingContinue(c);
        }
        return server.send(c.method(), c.path().apply(this), c.body(), token(c.who()));
    }

    /**
     * A body over the limit, sent with {@code Expect: 100-continue}: the server answers 413 before the body, as a
     * well-behaved client would see it (without it, the server may close the connection while the client still
     * sends, and the client sees a reset instead of the answer).
     */
    private Reply sendExpectingContinue(Case c) {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + c.path().apply(this)))
                .timeout(Duration.ofSeconds(30)).expectContinue(true)
                .method(c.method(), HttpRequest.BodyPublishers.ofString(c.body()));
        String token = token(c.who());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), JSON.readTree(response.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Row counts of {@link #TABLES}. */
    Map<String, Long> counts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String table : TABLES) {
            counts.put(table, server.queryLong("SELECT COUNT(*) FROM " + table));
        }
        return counts;
    }

    @Override
    public void close() {
        server.close();
    }
}
