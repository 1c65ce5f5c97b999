package dev.starling.server.rooms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.auth.AuthException;
import dev.starling.protocol.auth.AuthRule;
import dev.starling.protocol.crypto.EventSigning;
import dev.starling.protocol.crypto.ServerKeys;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.crypto.VerifyKeyWithExpiry;
import dev.starling.protocol.events.EventHashes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.rooms.RoomVersion;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The event builder on its own: what it puts in events, and that they verify as a remote server checks them. */
class RoomEventBuilderTest {
    private static final ServerName SERVER = ServerName.parse("example.org");
    private static final UserId ALICE = UserId.parse("@alice:example.org");
    private static final UserId EVE = UserId.parse("@eve:example.org");
    private static final SigningKey KEY = SigningKey.generate(KeyId.ed25519("a_test"));
    private static final EventBuilder BUILDER = new EventBuilder(SERVER, KEY,
            Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC));

    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void eventsLinkToTheirPredecessorsCarryTheirAuthEventsAndVerify(RoomVersion version) {
        RoomDraft draft = RoomDraft.newRoom(version,
                version.roomIdIsCreateEventHash() ? null : RoomId.parse("!abc:example.org"));
        Pdu create = add(draft, "m.room.create", "", content("room_version", version.id(), "creator", ALICE.value()));
        Pdu join = add(draft, "m.room.member", ALICE.value(), content("membership", "join"));
        Pdu message = BUILDER.build(draft, EventBuilder.Request.message(ALICE, "m.room.message", content("body", "hi")));

        assertThat(create.depth()).isEqualTo(1);
        assertThat(create.prevEvents()).isEmpty();
        assertThat(join.depth()).isEqualTo(2);
        assertThat(join.prevEvents()).containsExactly(create.eventId());
        assertThat(join.authEvents().contains(create.eventId())).isEqualTo(!version.roomIdIsCreateEventHash());
        assertThat(message.prevEvents()).containsExactly(join.eventId());
        assertThat(message.authEvents()).contains(join.eventId());
        assertThat(message.depth()).isEqualTo(3);
        assertThat(message.originServerTs()).isEqualTo(1_700_000_000_000L);
        ServerKeys keys = ServerKeys.of(SERVER, new VerifyKeyWithExpiry(KEY.verifyKey(), Long.MAX_VALUE));
        for (Pdu event : List.of(create, join, message)) {
            EventSigning.verify(event.json(), version, keys);
            assertThat(EventHashes.contentHashMatches(event.json())).isTrue();
            assertThat(Pdu.fromJson(event.json(), version).eventId()).isEqualTo(event.eventId());
        }
    }

    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void anEventTheAuthRulesRefuseIsNotBuiltAndLeavesTheDraftAlone(RoomVersion version) {
        RoomDraft draft = RoomDraft.newRoom(version,
                version.roomIdIsCreateEventHash() ? null : RoomId.parse("!abc:example.org"));
        add(draft, "m.room.create", "", content("room_version", version.id(), "creator", ALICE.value()));
        Pdu join = add(draft, "m.room.member", ALICE.value(), content("membership", "join"));

        assertThatThrownBy(() -> BUILDER.build(draft,
                EventBuilder.Request.message(EVE, "m.room.message", content("body", "let me in"))))
                .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.rule()).isEqualTo(AuthRule.SENDER_NOT_JOINED));
        assertThat(draft.extremities()).containsExactly(join.eventId());
    }

    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void atMostTwentyPrevEventsAndDepthAboveTheDeepest(RoomVersion version) {
        RoomDraft draft = RoomDraft.newRoom(version,
                version.roomIdIsCreateEventHash() ? null : RoomId.parse("!abc:example.org"));
        add(draft, "m.room.create", "", content("room_version", version.id(), "creator", ALICE.value()));
        add(draft, "m.room.member", ALICE.value(), content("membership", "join"));
        List<EventId> many = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            many.add(EventId.fromReferenceHash(String.format("%043d", i)));
        }
        RoomDraft wide = RoomDraft.stored(version, draft.roomId().orElseThrow(), draft.state(), many, 41, 1);

        Pdu message = BUILDER.build(wide, EventBuilder.Request.message(ALICE, "m.room.message", content("body", "hi")));

        assertThat(message.prevEvents()).hasSize(20);
        assertThat(message.depth()).isEqualTo(42);
    }

    private static Pdu add(RoomDraft draft, String type, String stateKey, ObjectNode content) {
        Pdu event = BUILDER.build(draft, EventBuilder.Request.state(ALICE, type, stateKey, content));
        draft.apply(event);
        return event;
    }

    private static ObjectNode content(String... pairs) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < pairs.length; i += 2) {
            node.put(pairs[i], pairs[i + 1]);
        }
        return node;
    }
}
