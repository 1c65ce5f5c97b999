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
 * The {@code m.direct_to_device} EDUs of an inbound transaction are handed over before its PDUs and its other
 * EDUs: they carry the Megolm keys of encrypted events in the same transaction, and a client syncing in between
 * would otherwise get an event it cannot decrypt yet. The other EDUs keep their order, after the PDUs.
 */
class ToDeviceFirstTest {
    private record Received(ServerName origin, String type, ObjectNode content) {}

    @OnEveryDatabase
    void toDeviceMessagesAreHandedOverFirst(Backend backend) throws Exception {
        List<Received> received = new CopyOnWriteArrayList<>();
        InboundEdus recorder = (origin, type, content) -> {
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
            edus.addObject().put("edu_type", "m.direct_to_device").putObject("content").put("message_id", "one");
            edus.addObject().put("edu_type", "m.receipt").putObject("content");
            edus.addObject().put("edu_type", "m.direct_to_device").putObject("content").put("message_id", "two");
            String uri = "/_matrix/federation/v1/send/todevice1";
            String authorization = RequestSigning.authorization(b.key(), b.name(), name, "PUT", uri, body);
            HttpResponse<String> response = FederatingServer.HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://" + name + uri)).PUT(HttpRequest.BodyPublishers.ofByteArray(
                            CanonicalJson.encode(body))).header("Authorization", authorization).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(received).extracting(Received::type).containsExactly("m.direct_to_device",
                    "m.direct_to_device", "m.typing", "m.receipt");
            assertThat(received.get(0).content().path("message_id").asText()).isEqualTo("one");
            assertThat(received.get(1).content().path("message_id").asText()).isEqualTo("two");
        }
    }
}
