package dev.starling.protocol.auth;

import static dev.starling.protocol.auth.RoomFixture.ALICE;
import static dev.starling.protocol.auth.RoomFixture.BOB;
import static dev.starling.protocol.auth.RoomFixture.MOD;
import static dev.starling.protocol.auth.RoomFixture.REMOTE;
import static dev.starling.protocol.auth.RoomFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.rooms.RoomVersion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** "Handling redactions": whether a redaction that passed auth may be applied to its target. */
class RedactionTest {

    static Pdu redaction(RoomFixture room, UserId sender, Pdu target) {
        String id = target.eventId().value();
        ObjectNode content = room.version.redactsInContent() ? json("{'redacts':'" + id + "'}") : json("{}");
        return room.event(EventTypes.REDACTION, sender, null, content, event -> {
            if (!room.version.redactsInContent()) {
                event.put("redacts", id); // v10: top level
            }
        });
    }

    static void assertRefused(Runnable check, AuthRule rule) {
        assertThatThrownBy(check::run).isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.rule()).isEqualTo(rule));
    }

    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void senderOnTheSameServerMayRedactWhateverTheirLevel(RoomVersion version) {
        RoomFixture room = RoomFixture.standard(version).levels(pl -> pl.put("redact", 100));
        Pdu target = room.message(MOD);
        assertThatCode(() -> AuthRules.checkRedaction(redaction(room, BOB, target), target, room.state())).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void senderOnAnotherServerNeedsTheRedactLevel(RoomVersion version) {
        RoomFixture room = RoomFixture.standard(version);
        Pdu remote = room.message(REMOTE);
        assertThatCode(() -> AuthRules.checkRedaction(redaction(room, MOD, remote), remote, room.state())).doesNotThrowAnyException();
        assertRefused(() -> AuthRules.checkRedaction(redaction(room, BOB, remote), remote, room.state()), AuthRule.REDACTION);
        RoomFixture high = room.copy().levels(pl -> pl.put("redact", RoomFixture.MAX));
        Runnable byCreator = () -> AuthRules.checkRedaction(redaction(high, ALICE, remote), remote, high.state());
        if (version.privilegedCreators()) {
            assertThatCode(byCreator::run).as("v12 creators have infinite power").doesNotThrowAnyException();
        } else {
            assertRefused(byCreator, AuthRule.REDACTION);
        }
    }

    /** For a redacted event not seen yet: only the redact level lets a redaction reach any sender's event. */
    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void theRedactLevelAloneDecidesWhetherAnySendersEventMayBeRedacted(RoomVersion version) {
        RoomFixture room = RoomFixture.standard(version);
        Pdu unseen = room.message(REMOTE);
        assertThat(AuthRules.mayRedactAnySender(redaction(room, MOD, unseen), room.state())).isTrue();
        assertThat(AuthRules.mayRedactAnySender(redaction(room, BOB, unseen), room.state())).isFalse();
        RoomFixture low = room.copy().levels(pl -> pl.put("redact", 0));
        assertThat(AuthRules.mayRedactAnySender(redaction(low, BOB, unseen), low.state())).isTrue();
        assertRefused(() -> AuthRules.mayRedactAnySender(redaction(room, BOB, unseen),
                room.copy().remove(AuthEventSelection.CREATE).state()), AuthRule.MISSING_CREATE);
    }

    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void redactionMustNameTheEventInTheSameRoom(RoomVersion version) {
        RoomFixture room = RoomFixture.standard(version);
        Pdu target = room.message(BOB);
        Pdu other = room.message(BOB);
        assertRefused(() -> AuthRules.checkRedaction(redaction(room, BOB, other), target, room.state()), AuthRule.REDACTION);
        assertRefused(() -> AuthRules.checkRedaction(room.message(BOB), target, room.state()), AuthRule.REDACTION);
        RoomFixture elsewhere = RoomFixture.standard(version, RoomFixture.createContent(version).put("m.federate", true), pl -> { });
        Pdu foreign = elsewhere.event(EventTypes.MESSAGE, BOB, null, json("{}"), e -> e.put("room_id",
                version.roomIdIsCreateEventHash() ? RoomFixture.createEvent(version, BOB, RoomFixture.createContent(version),
                        java.util.List.of(), "").roomId().value() : "!other:example.org"));
        assertRefused(() -> AuthRules.checkRedaction(redaction(room, BOB, foreign), foreign, room.state()), AuthRule.REDACTION);
        assertRefused(() -> AuthRules.checkRedaction(redaction(room, REMOTE, target), target,
                room.copy().remove(AuthEventSelection.CREATE).state()), AuthRule.MISSING_CREATE);
    }
}
