package dev.starling.olm.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.olm.account.Account;
import dev.starling.olm.crosssigning.CrossSigningKeys;
import dev.starling.olm.megolm.GroupSessions;
import dev.starling.olm.megolm.KnownGroupSession;
import dev.starling.olm.megolm.MegolmEvents;
import dev.starling.olm.megolm.OutboundGroupSession;
import dev.starling.olm.session.Session;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 5 acceptance 3, Element's part: Element's crypto ({@code OlmMachine}, wasm) shares room keys with a Java
 * device that is cross-signed by its owner (Java {@code crosssigning} keys: master → self-signing → device) and
 * withholds them from an otherwise identical Java device of the same user that is not, when it shares with
 * {@code CollectStrategy.identityBasedStrategy()} (Element's "exclude insecure devices"); Megolm works both ways;
 * and Element decrypts the cross-signed device's Megolm messages with no warning (lax shield colour None) while
 * the unsigned device's get a red "unsigned device" shield. The Java test plays the homeserver.
 */
class OlmMachineCrossSigningInteropTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String JAVA_USER = "@java:example.org";
    private static final String ELEMENT_USER = "@element:example.org";
    private static final String ELEMENT_DEVICE = "ELEMENTDEV";
    private static final String ROOM = "!room:example.org";
    /** matrix-sdk-crypto's ShieldColor and ShieldStateCode as numbers in the wasm binding. */
    private static final int SHIELD_RED = 0;
    private static final int SHIELD_NONE = 2;
    private static final int CODE_UNSIGNED_DEVICE = 2;

    private OlmMachinePeer element;
    private String elementCurve;
    private String elementEd;
    private List<String> elementOneTimeKeys;
    private CrossSigningKeys crossSigning;
    private JavaDevice signed;
    private JavaDevice unsigned;
    /** The {@code m.room_key.withheld} codes of the last {@link #shareRoomKey}, by Java device ID. */
    private final Map<String, String> withheld = new HashMap<>();

    /** One Java device of {@link #JAVA_USER}: its account, Olm sessions, group sessions and published keys. */
    private final class JavaDevice {
        final String deviceId;
        final Account account = Account.create(RANDOM);
        final Map<String, List<Session>> sessions = new HashMap<>();
        final GroupSessions groups = new GroupSessions(JAVA_USER);
        final ObjectNode deviceKeys;
        final OlmSessionStore store = new OlmSessionStore() {
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

        JavaDevice(String deviceId, boolean crossSign) {
            this.deviceId = deviceId;
            ObjectNode own = account.deviceKeys(JAVA_USER, deviceId,
                    List.of(OlmEvents.ALGORITHM, GroupSessions.MEGOLM_ALGORITHM));
            deviceKeys = crossSign ? crossSigning.signOwnDevice(own) : own;
            account.generateOneTimeKeys(2, RANDOM);
        }

        /** Opens the Olm to-device content Element sent us and checks it is a room key. */
        DecryptedOlmEvent openRoomKey(ObjectNode content) {
            DecryptedOlmEvent event = OlmEvents.decrypt(account, JAVA_USER, store, ELEMENT_USER, content, elementEd);
            assertThat(event.isRoomKey()).isTrue();
            assertThat(event.senderCurve25519Key()).isEqualTo(elementCurve);
            return event;
        }
    }

    @BeforeEach
    void start() {
        element = new OlmMachinePeer();
        JsonNode init = element.call(OlmMachinePeer.request("init").put("user", ELEMENT_USER)
                .put("device", ELEMENT_DEVICE).put("cross_signing", true));
        elementCurve = init.at("/identity_keys/curve25519").asText();
        elementEd = init.at("/identity_keys/ed25519").asText();
        elementOneTimeKeys = new ArrayList<>();
        init.get("one_time_keys").forEach(k -> elementOneTimeKeys.add(k.get("key").asText()));
        crossSigning = CrossSigningKeys.generate(JAVA_USER, RANDOM);
        signed = new JavaDevice("JAVASIGNED", true);
        unsigned = new JavaDevice("JAVAPLAIN", false);
    }

    @AfterEach
    void stop() {
        if (element != null) {
            element.close();
        }
    }

    @Test
    void elementSeesTheCrossSignedDeviceAsSignedByItsOwnerAndTheOtherNot() {
        JsonNode devices = element.call(OlmMachinePeer.request("track").put("user", JAVA_USER)
                .set("keys_query", keysQuery())).get("devices");
        assertThat(devices.at("/JAVASIGNED/cross_signed_by_owner").asBoolean()).as("%s", devices).isTrue();
        assertThat(devices.at("/JAVAPLAIN/cross_signed_by_owner").asBoolean()).as("%s", devices).isFalse();
    }

    @Test
    void elementSharesItsRoomKeyOnlyWithTheCrossSignedDeviceWhichDecryptsItsMessages() {
        Map<String, ObjectNode> received = shareRoomKey("identity");
        assertThat(received).as("Element shares with the cross-signed device").containsKey(signed.deviceId);
        assertThat(received).as("Element withholds from the unsigned device").doesNotContainKey(unsigned.deviceId);
        assertThat(withheld).as("and says why").containsEntry(unsigned.deviceId, "m.unverified")
                .doesNotContainKey(signed.deviceId);

        DecryptedOlmEvent roomKey = signed.openRoomKey(received.get(signed.deviceId));
        assertThat(roomKey.roomKeyContent().get("room_id").asText()).isEqualTo(ROOM);
        KnownGroupSession session = signed.groups.acceptRoomKey(roomKey.toMegolmInput());
        assertThat(session.senderKey()).isEqualTo(elementCurve);

        for (int i = 0; i < 3; i++) {
            ObjectNode encrypted = (ObjectNode) element.call(OlmMachinePeer.request("encrypt_room_event")
                    .put("room", ROOM).put("type", "m.room.message")
                    .set("content", NODES.objectNode().put("msgtype", "m.text").put("body", "from element " + i)));
            assertThat(encrypted.get("session_id").asText()).isEqualTo(session.session().sessionId());
            MegolmEvents.Decrypted decrypted = MegolmEvents.decrypt(signed.groups, ROOM, "$element" + i, 1000 + i,
                    encrypted);
            assertThat(decrypted.type()).isEqualTo("m.room.message");
            assertThat(decrypted.content().get("body").asText()).isEqualTo("from element " + i);
            assertThat(decrypted.index()).isEqualTo(i);
            assertThat(decrypted.senderKey()).isEqualTo(elementCurve);
            assertThat(decrypted.claimedEd25519Key()).isEqualTo(elementEd);
        }
    }

    @Test
    void theUnsignedDeviceWorksAndReceivesRoomKeysWhenElementSharesWithAllDevices() {
        // The control for the test above: the unsigned device is withheld because of the strategy, not because
        // it could not take part at all.
        Map<String, ObjectNode> received = shareRoomKey("all");
        assertThat(received).containsKeys(signed.deviceId, unsigned.deviceId);
        assertThat(withheld).isEmpty();
        DecryptedOlmEvent roomKey = unsigned.openRoomKey(received.get(unsigned.deviceId));
        unsigned.groups.acceptRoomKey(roomKey.toMegolmInput());
        ObjectNode encrypted = (ObjectNode) element.call(OlmMachinePeer.request("encrypt_room_event")
                .put("room", ROOM).put("type", "m.room.message").set("content", NODES.objectNode().put("body", "all")));
        assertThat(MegolmEvents.decrypt(unsigned.groups, ROOM, "$all", 1, encrypted).content().get("body").asText())
                .isEqualTo("all");
    }

    @Test
    void elementDecryptsTheCrossSignedDevicesMessagesWithoutWarningAndWarnsForTheUnsignedDevice() {
        JsonNode devices = element.call(OlmMachinePeer.request("track").put("user", JAVA_USER)
                .set("keys_query", keysQuery())).get("devices");
        assertThat(devices.size()).isEqualTo(2);

        JsonNode fromSigned = sendMegolmToElement(signed, elementOneTimeKeys.get(0), "from the cross-signed device");
        assertThat(fromSigned.at("/event/content/body").asText()).isEqualTo("from the cross-signed device");
        assertThat(fromSigned.get("sender_curve25519").asText()).isEqualTo(signed.account.curve25519Key());
        assertThat(fromSigned.get("sender_device").asText()).isEqualTo(signed.deviceId);
        assertThat(fromSigned.at("/shield_lax/color").asInt()).as("no warning: %s", fromSigned.get("shield_lax"))
                .isEqualTo(SHIELD_NONE);

        JsonNode fromUnsigned = sendMegolmToElement(unsigned, elementOneTimeKeys.get(1), "from the unsigned device");
        assertThat(fromUnsigned.at("/event/content/body").asText()).isEqualTo("from the unsigned device");
        assertThat(fromUnsigned.get("sender_device").asText()).isEqualTo(unsigned.deviceId);
        assertThat(fromUnsigned.at("/shield_lax/color").asInt()).as("a warning: %s", fromUnsigned.get("shield_lax"))
                .isEqualTo(SHIELD_RED);
        assertThat(fromUnsigned.at("/shield_lax/code").asInt()).isEqualTo(CODE_UNSIGNED_DEVICE);
    }

    /**
     * The Java device makes a Megolm session, sends its room key to Element over a new Olm session (from one of
     * Element's one-time keys), and sends Element two Megolm messages; returns Element's decryption of the second.
     */
    private JsonNode sendMegolmToElement(JavaDevice device, String elementOneTimeKey, String body) {
        OutboundGroupSession outbound = OutboundGroupSession.create(RANDOM);
        device.groups.addOwn(outbound, ROOM, device.account.curve25519Key(), device.account.ed25519Key());
        ObjectNode roomKey = NODES.objectNode();
        roomKey.put("algorithm", GroupSessions.MEGOLM_ALGORITHM);
        roomKey.put("room_id", ROOM);
        roomKey.put("session_id", outbound.sessionId());
        roomKey.put("session_key", outbound.sessionKey());
        Session olm = Session.createOutbound(device.account, elementCurve, elementOneTimeKey, RANDOM);
        ObjectNode content = OlmEvents.encrypt(device.account, JAVA_USER, olm,
                new OlmRecipient(ELEMENT_USER, elementCurve, elementEd), "m.room_key", roomKey, device.deviceKeys,
                RANDOM);
        ArrayNode events = NODES.arrayNode();
        events.addObject().put("type", "m.room.encrypted").put("sender", JAVA_USER).set("content", content);
        JsonNode processed = element.call(OlmMachinePeer.request("receive").set("events", events));
        assertThat(processed.get(0).get("type").asInt()).as("Element decrypted our room key: %s", processed).isZero();

        JsonNode answer = null;
        for (int i = 0; i < 2; i++) {
            ObjectNode encrypted = MegolmEvents.encrypt(outbound, ROOM, "m.room.message",
                    NODES.objectNode().put("msgtype", "m.text").put("body", body), device.account.curve25519Key(),
                    device.deviceId);
            ObjectNode event = NODES.objectNode();
            event.put("type", "m.room.encrypted");
            event.put("sender", JAVA_USER);
            event.put("event_id", "$" + device.deviceId + i);
            event.put("origin_server_ts", 1_700_000_000_000L + i);
            event.put("room_id", ROOM);
            event.set("content", encrypted);
            answer = element.call(OlmMachinePeer.request("decrypt_room_event").put("room", ROOM).set("event", event));
        }
        return answer;
    }

    /** Shares Element's room key with both Java devices; returns the Olm content each device was sent. */
    private Map<String, ObjectNode> shareRoomKey(String strategy) {
        ObjectNode request = OlmMachinePeer.request("share_room_key").put("room", ROOM).put("user", JAVA_USER)
                .put("strategy", strategy);
        request.set("keys_query", keysQuery());
        ObjectNode claim = request.putObject("keys_claim");
        ObjectNode byDevice = claim.putObject("one_time_keys").putObject(JAVA_USER);
        for (JavaDevice device : List.of(signed, unsigned)) {
            byDevice.set(device.deviceId, device.account.signedOneTimeKeys(JAVA_USER, device.deviceId));
            device.account.markKeysAsPublished();
        }
        claim.putObject("failures");
        JsonNode requests = element.call(request);
        Map<String, ObjectNode> received = new HashMap<>();
        withheld.clear();
        for (JsonNode toDevice : requests) {
            if ("m.room_key.withheld".equals(toDevice.get("event_type").asText())) {
                toDevice.at("/body/messages").path(JAVA_USER).properties()
                        .forEach(e -> withheld.put(e.getKey(), e.getValue().path("code").asText()));
                continue;
            }
            if (!"m.room.encrypted".equals(toDevice.get("event_type").asText())) {
                continue;
            }
            toDevice.at("/body/messages").path(JAVA_USER).properties()
                    .forEach(e -> received.put(e.getKey(), (ObjectNode) e.getValue()));
        }
        return received;
    }

    /** The {@code /keys/query} answer a server gives for the Java user: both devices and the cross-signing keys. */
    private ObjectNode keysQuery() {
        ObjectNode query = NODES.objectNode();
        ObjectNode devices = query.putObject("device_keys").putObject(JAVA_USER);
        devices.set(signed.deviceId, signed.deviceKeys);
        devices.set(unsigned.deviceId, unsigned.deviceKeys);
        query.putObject("master_keys").set(JAVA_USER, crossSigning.masterKey());
        query.putObject("self_signing_keys").set(JAVA_USER, crossSigning.selfSigningKey());
        query.putObject("failures");
        return query;
    }
}
