package dev.starling.server.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.server.federation.auth.RequestSigning;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The EDUs of an inbound transaction go to {@link InboundEdus} with the authenticated origin, one call each;
 * malformed ones are dropped before it, and a handler that throws fails neither the transaction nor the
 * EDUs after it.
 */
class InboundEdusHandOffTest {
    private record Received(ServerName origin, String type, ObjectNode content) {}

    @OnEveryDatabase
    void edusAreHandedOverWithTheOrigin(Backend backend) throws Exception {
        List<Received> received = new CopyOnWriteArrayList<>();
        InboundEdus recorder = (origin, type, content) -> {
            if (type.equals("m.explode")) {
                throw new IllegalStateException("handler bug");
            }
            received.add(new Received(origin, type, content));
        };
        try (FederatingServer a = FederatingServer.start(backend, recorder);
                FederatingServer b = FederatingServer.start(backend)) {
            ServerName name = a.name();
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("origin", b.name().value());
            body.put("origin_server_ts", 1);
            body.putArray("pdus");
            var edus = body.putArray("edus");
            edus.addObject().put("edu_type", "m.typing").putObject("content").put("room_id", "!r:x").put("typing", true);
            edus.addObject().put("edu_type", "m.explode").putObject("content");
            edus.addObject().put("edu_type", "m.receipt"); // no content: dropped
            edus.add("not an object");
            edus.addObject().put("edu_type", "m.presence").putObject("content").putArray("push");
            String uri = "/_matrix/federation/v1/send/edus1";
            String authorization = RequestSigning.authorization(b.key(), b.name(), name, "PUT", uri, body);
            HttpResponse<String> response = FederatingServer.HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://" + name + uri)).PUT(HttpRequest.BodyPublishers.ofByteArray(
                            CanonicalJson.encode(body))).header("Authorization", authorization).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(received).extracting(Received::type).containsExactly("m.typing", "m.presence");
            assertThat(received).extracting(Received::origin).containsOnly(b.name());
            assertThat(received.get(0).content().path("typing").asBoolean()).isTrue();
        }
    }
}
