package dev.starling.server.federation;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.id.ServerName;
import dev.starling.server.federation.keys.OwnKeys;
import dev.starling.server.http.Access;
import dev.starling.server.http.Authenticator;
import dev.starling.server.http.HttpServerConfig;
import dev.starling.server.http.MatrixException;
import dev.starling.server.http.MatrixHttpServer;
import dev.starling.server.http.MatrixResponse;
import dev.starling.server.http.Route;
import dev.starling.server.http.Router;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A remote server played by the test for gap filling: a real key server (its document fetched by the local
 * server's key ring), and {@code get_missing_events} / {@code event_auth} answering with the PDUs the test
 * scripted. Not a homeserver: it serves nothing else.
 */
final class ScriptedRemote implements AutoCloseable {
    final FedEvents.Remote identity;
    final List<ObjectNode> missingEvents = new CopyOnWriteArrayList<>();
    final List<ObjectNode> authChain = new CopyOnWriteArrayList<>();
    final AtomicInteger missingEventsRequests = new AtomicInteger();
    /** How many of the next {@code get_missing_events} requests are answered 403 (as by a server that does not
     * count ours in the room yet). */
    final AtomicInteger refuseMissingEvents = new AtomicInteger();
    final AtomicInteger eventAuthRequests = new AtomicInteger();
    private final MatrixHttpServer http;

    private ScriptedRemote(FedEvents.Remote identity, MatrixHttpServer http) {
        this.identity = identity;
        this.http = http;
    }

    static ScriptedRemote start() {
        try {
            int port = FederatingServer.freePort();
            ServerName name = ServerName.parse("127.0.0.1:" + port);
            SigningKey key = SigningKey.generate(KeyId.ed25519("s" + port));
            OwnKeys own = new OwnKeys(name, key, Duration.ofDays(1), Clock.systemUTC());
            ScriptedRemote[] self = new ScriptedRemote[1];
            MatrixHttpServer http = new MatrixHttpServer(HttpServerConfig.ephemeral().withPort(port), Router.of(List.of(
                    Route.get("/_matrix/key/v2/server", r -> MatrixResponse.ok(own.signedDocument()))
                            .access(Access.PUBLIC),
                    Route.post("/_matrix/federation/v1/get_missing_events/{roomId}", r -> {
                        self[0].missingEventsRequests.incrementAndGet();
                        if (self[0].refuseMissingEvents.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                            throw MatrixException.forbidden("the server is not in the room");
                        }
                        return MatrixResponse.ok(list("events", self[0].missingEvents));
                    }).access(Access.PUBLIC),
                    Route.get("/_matrix/federation/v1/event_auth/{roomId}/{eventId}", r -> {
                        self[0].eventAuthRequests.incrementAndGet();
                        return MatrixResponse.ok(list("auth_chain", self[0].authChain));
                    }).access(Access.PUBLIC))), Authenticator.none());
            self[0] = new ScriptedRemote(new FedEvents.Remote(name, key), http);
            http.start();
            return self[0];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode list(String field, List<ObjectNode> events) {
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        ArrayNode array = answer.putArray(field);
        events.forEach(array::add);
        return answer;
    }

    @Override
    public void close() {
        http.close();
    }
}
