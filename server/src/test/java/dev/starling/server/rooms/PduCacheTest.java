package dev.starling.server.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.protocol.rooms.RoomVersion;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The parsed-event cache: an entry is used only for exactly the bytes it was parsed from, and it is bounded. */
class PduCacheTest {
    private static final UserId ALICE = UserId.parse("@alice:example.org");
    private static final EventBuilder BUILDER = new EventBuilder(ServerName.parse("example.org"),
            SigningKey.generate(KeyId.ed25519("a_test")), Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L),
                    ZoneOffset.UTC));

    @BeforeEach
    @AfterEach
    void clear() {
        PduCache.clear();
    }

    @Test
    void theSameRowIsParsedOnce() {
        Pdu event = message("hello");
        String json = json(event);
        AtomicInteger parses = new AtomicInteger();
        Pdu first = EventStoreAccess.parseCounting(json, event, parses);
        Pdu second = EventStoreAccess.parseCounting(json, event, parses);
        assertThat(parses).hasValue(1);
        assertThat(second).isSameAs(first);
        assertThat(second.content().path("body").asText()).isEqualTo("hello");
    }

    @Test
    void otherBytesUnderTheSameEventIdAreParsedAfresh() {
        Pdu event = message("hello");
        String json = json(event);
        AtomicInteger parses = new AtomicInteger();
        EventStoreAccess.parseCounting(json, event, parses);
        // The same ID over other bytes (a pruned copy, another server's database in the same JVM): never the entry.
        ObjectNode other = event.json();
        ((ObjectNode) other.get("content")).put("body", "changed");
        String otherJson = new String(CanonicalJson.encode(other), StandardCharsets.UTF_8);
        Pdu parsed = PduCache.get(event.eventId().value(), otherJson, event.roomVersion(),
                () -> {
                    parses.incrementAndGet();
                    return Pdu.withKnownId(other, event.roomVersion(), event.eventId());
                });
        assertThat(parses).hasValue(2);
        assertThat(parsed.content().path("body").asText()).isEqualTo("changed");
        // And another room version over the same bytes is another entry too.
        RoomVersion otherVersion = event.roomVersion() == RoomVersion.V10 ? RoomVersion.V11 : RoomVersion.V10;
        PduCache.get(event.eventId().value(), json, otherVersion, () -> {
            parses.incrementAndGet();
            return event;
        });
        assertThat(parses).hasValue(3);
    }

    @Test
    void eventsBeingStoredAreRememberedAsTheirStoredBytes() {
        Pdu event = message("remembered");
        PduCache.remember(event, json(event));
        AtomicInteger parses = new AtomicInteger();
        assertThat(EventStoreAccess.parseCounting(json(event), event, parses)).isSameAs(event);
        assertThat(parses).hasValue(0);
    }

    @Test
    void theCacheIsBounded() {
        Pdu event = message("one of many");
        String json = json(event);
        for (int i = 0; i < 3 * PduCache.GENERATION; i++) {
            PduCache.get("$" + i, json, event.roomVersion(), () -> event);
        }
        assertThat(PduCache.size()).isLessThanOrEqualTo(2 * PduCache.GENERATION + 100); // + what tests alongside add
    }

    @Test
    void largeEventsAreBoundedByTheirSize() {
        Pdu event = message("x".repeat(30_000));
        String json = json(event);
        for (int i = 0; i < 3 * PduCache.GENERATION_CHARS / json.length(); i++) {
            PduCache.get("$big" + i, json, event.roomVersion(), () -> event);
        }
        assertThat(PduCache.chars()).isLessThanOrEqualTo(2 * (PduCache.GENERATION_CHARS + json.length()) + 100_000);
        assertThat(PduCache.size()).isLessThan(PduCache.GENERATION);
    }

    @Test
    void aRecentlyUsedEntrySurvivesARotation() {
        Pdu event = message("kept");
        String json = json(event);
        AtomicInteger parses = new AtomicInteger();
        EventStoreAccess.parseCounting(json, event, parses);
        for (int i = 0; i < PduCache.GENERATION; i++) {
            PduCache.get("$filler" + i, json, event.roomVersion(), () -> event);
        }
        EventStoreAccess.parseCounting(json, event, parses); // found in the old generation, moved to the young
        for (int i = 0; i < PduCache.GENERATION; i++) {
            PduCache.get("$more" + i, json, event.roomVersion(), () -> event);
        }
        EventStoreAccess.parseCounting(json, event, parses);
        assertThat(parses).hasValue(1);
    }

    private static Pdu message(String body) {
        RoomDraft draft = RoomDraft.newRoom(RoomVersion.V10, RoomId.parse("!abc:example.org"));
        ObjectNode create = JsonNodeFactory.instance.objectNode().put("room_version", "10")
                .put("creator", ALICE.value());
        draft.apply(BUILDER.build(draft, EventBuilder.Request.state(ALICE, "m.room.create", "", create)));
        draft.apply(BUILDER.build(draft, EventBuilder.Request.state(ALICE, "m.room.member", ALICE.value(),
                JsonNodeFactory.instance.objectNode().put("membership", "join"))));
        return BUILDER.build(draft, EventBuilder.Request.message(ALICE, "m.room.message",
                JsonNodeFactory.instance.objectNode().put("body", body)));
    }

    private static String json(Pdu event) {
        return new String(event.canonicalBytes(), StandardCharsets.UTF_8);
    }

    /** Reads through the cache as {@link EventStore#pdu(String, RoomVersion, String)} does, counting parses. */
    private static final class EventStoreAccess {
        static Pdu parseCounting(String json, Pdu event, AtomicInteger parses) {
            return PduCache.get(event.eventId().value(), json, event.roomVersion(), () -> {
                parses.incrementAndGet();
                return Pdu.withKnownId(CanonicalJson.parseObject(json.getBytes(StandardCharsets.UTF_8)),
                        event.roomVersion(), event.eventId());
            });
        }
    }
}
