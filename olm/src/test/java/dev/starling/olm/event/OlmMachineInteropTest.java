package dev.starling.olm.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.olm.account.Account;
import dev.starling.olm.session.Session;
import dev.starling.protocol.crypto.JsonSignatures;
import dev.starling.protocol.crypto.VerifyKey;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.json.CanonicalJson;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Olm to-device events between a Java device and Element's crypto ({@code OlmMachine}, wasm): Element decrypts
 * what {@link OlmEvents#encrypt} writes (our {@code sender_device_keys} included), and a room key Element shares
 * with the Java device opens through {@link OlmEvents#decrypt} — with and without an existing session.
 */
class OlmMachineInteropTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String JAVA_USER = "@java:example.org";
    private static final String JAVA_DEVICE = "JAVADEV";
    private static final String ELEMENT_USER = "@element:example.org";
    private static final String ELEMENT_DEVICE = "ELEMENTDEV";

    private OlmMachinePeer element;
    private Account java;
    private String elementCurve;
    private String elementEd;
    private JsonNode elementOneTimeKeys;
    private final Map<String, List<Session>> sessions = new HashMap<>();
    private final OlmSessionStore store = new OlmSessionStore() {
        @Override
        public List<Session> sessions(String peer) {
            return List.copyOf(sessions.getOrDefault(peer, List.of()));
        }

        @Override
        public void save(String peer, Session session) {
            List<Session> list = sessions.computeIfAbsent(peer, k -> new ArrayList<>());
            list.remove(session);
            list.add(0, session);
        }
    };

    @BeforeEach
    void start() {
        element = new OlmMachinePeer();
        JsonNode init = element.call(OlmMachinePeer.request("init").put("user", ELEMENT_USER)
                .put("device", ELEMENT_DEVICE));
        elementCurve = init.at("/identity_keys/curve25519").asText();
        elementEd = init.at("/identity_keys/ed25519").asText();
        elementOneTimeKeys = init.get("one_time_keys");
        VerifyKey key = VerifyKey.fromBase64(KeyId.ed25519(ELEMENT_DEVICE), elementEd);
        JsonSignatures.verify((ObjectNode) init.get("device_keys"), ELEMENT_USER, key);
        elementOneTimeKeys.properties().forEach(e -> JsonSignatures.verify((ObjectNode) e.getValue(), ELEMENT_USER, key));
        java = Account.create(RANDOM);
    }

    @AfterEach
    void stop() {
        if (element != null) {
            element.close();
        }
    }

    @Test
    void elementDecryptsOurOlmEventAndThenSharesARoomKeyOverTheSameSession() {
        String oneTimeKey = elementOneTimeKeys.properties().iterator().next().getValue().get("key").asText();
        Session session = Session.createOutbound(java, elementCurve, oneTimeKey, RANDOM);
        store.save(elementCurve, session);
        ObjectNode content = OlmEvents.encrypt(java, JAVA_USER, session,
                new OlmRecipient(ELEMENT_USER, elementCurve, elementEd), "org.starling.test",
                NODES.objectNode().put("body", "hello element"), ourDeviceKeys(), RANDOM);
        ArrayNode events = NODES.arrayNode();
        events.addObject().put("type", "m.room.encrypted").put("sender", JAVA_USER).set("content", content);
        JsonNode processed = element.call(OlmMachinePeer.request("receive").set("events", events));
        assertThat(processed).hasSize(1);
        assertThat(processed.get(0).get("type").asInt()).as("Decrypted, not %s", processed.get(0)).isZero();
        JsonNode raw = CanonicalJson.parse(processed.get(0).get("raw").asText());
        assertThat(raw.get("type").asText()).isEqualTo("org.starling.test");
        assertThat(raw.at("/content/body").asText()).isEqualTo("hello element");
        assertThat(processed.get(0).get("sender_curve25519").asText()).isEqualTo(java.curve25519Key());

        DecryptedOlmEvent roomKey = receiveRoomKey();
        assertThat(roomKey.sessionId()).isEqualTo(session.sessionId());
    }

    @Test
    void elementStartsASessionFromOurOneTimeKeyToShareARoomKey() {
        java.generateOneTimeKeys(3, RANDOM);
        DecryptedOlmEvent roomKey = receiveRoomKey();
        assertThat(java.oneTimeKeys()).hasSize(2);
        assertThat(sessions.get(elementCurve)).hasSize(1);
        assertThat(roomKey.sessionId()).isEqualTo(sessions.get(elementCurve).get(0).sessionId());
    }

    private DecryptedOlmEvent receiveRoomKey() {
        ObjectNode request = OlmMachinePeer.request("share_room_key").put("room", "!room:example.org")
                .put("user", JAVA_USER);
        ObjectNode query = request.putObject("keys_query");
        query.putObject("device_keys").putObject(JAVA_USER).set(JAVA_DEVICE, ourDeviceKeys());
        query.putObject("failures");
        ObjectNode claim = request.putObject("keys_claim");
        claim.putObject("one_time_keys").putObject(JAVA_USER).set(JAVA_DEVICE,
                java.signedOneTimeKeys(JAVA_USER, JAVA_DEVICE));
        claim.putObject("failures");
        java.markKeysAsPublished();
        JsonNode requests = element.call(request);
        ObjectNode content = null;
        for (JsonNode toDevice : requests) {
            JsonNode forUs = toDevice.at("/body/messages").path(JAVA_USER).path(JAVA_DEVICE);
            if (forUs instanceof ObjectNode object) {
                assertThat(toDevice.get("event_type").asText()).isEqualTo("m.room.encrypted");
                content = object;
            }
        }
        assertThat(content).as("a to-device message for our device in %s", requests).isNotNull();
        DecryptedOlmEvent event = OlmEvents.decrypt(java, JAVA_USER, store, ELEMENT_USER, content, elementEd);
        assertThat(event.isRoomKey()).isTrue();
        assertThat(event.ed25519Source()).isEqualTo(DecryptedOlmEvent.Ed25519Source.DEVICE_LIST);
        assertThat(event.senderCurve25519Key()).isEqualTo(elementCurve);
        // Element sends its signed device keys in the plaintext (MSC4147); our checks accepted them
        assertThat(event.senderDeviceKeys()).isNotNull();
        assertThat(event.senderDeviceKeys().at("/keys/ed25519:" + ELEMENT_DEVICE).asText()).isEqualTo(elementEd);
        ObjectNode roomKey = event.roomKeyContent();
        assertThat(roomKey.get("algorithm").asText()).isEqualTo("m.megolm.v1.aes-sha2");
        assertThat(roomKey.get("room_id").asText()).isEqualTo("!room:example.org");
        assertThat(roomKey.get("session_key").asText()).isNotEmpty();
        return event;
    }

    private ObjectNode ourDeviceKeys() {
        return java.deviceKeys(JAVA_USER, JAVA_DEVICE, List.of(OlmEvents.ALGORITHM, "m.megolm.v1.aes-sha2"));
    }
}
