package dev.starling.protocol.auth;

import static dev.starling.protocol.auth.RoomFixture.ALICE;
import static dev.starling.protocol.auth.RoomFixture.BOB;
import static dev.starling.protocol.auth.RoomFixture.CAROL;
import static dev.starling.protocol.auth.RoomFixture.MOD;
import static dev.starling.protocol.auth.RoomFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.rooms.RoomVersion;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rules on an event's own auth_events (v10/v11 rule 2, v12 rule 3) as a table over the versions: each
 * row is an event, the auth events supplied for it, and "allowed" or AUTH_EVENTS.
 */
class AuthEventsTest {
    record Row(RoomVersion version, String description, Pdu event, List<Pdu> authEvents, boolean allowed) {
        @Override
        public String toString() {
            return "v" + version.id() + " " + description + " → " + (allowed ? "allowed" : "AUTH_EVENTS");
        }
    }

    /** An event listing {@code auth} as its auth_events. */
    static Pdu withAuth(RoomFixture room, String type, UserId sender, String stateKey, ObjectNode content, List<Pdu> auth) {
        return room.event(type, sender, stateKey, content, json -> {
            ArrayNode ids = json.putArray("auth_events");
            auth.forEach(a -> ids.add(a.eventId().value()));
        });
    }

    static List<Pdu> select(RoomFixture room, List<StateKey> keys) {
        return keys.stream().map(room.state()::get).filter(java.util.Objects::nonNull).toList();
    }

    static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (RoomVersion v : RoomVersion.values()) {
            RoomFixture room = RoomFixture.standard(v);
            Pdu create = room.create;
            Pdu levels = room.state().get(AuthEventSelection.POWER_LEVELS);
            Pdu bob = room.state().get(AuthEventSelection.member(BOB.value()));
            Pdu joinRules = room.state().get(AuthEventSelection.JOIN_RULES);
            List<Pdu> base = v.roomIdIsCreateEventHash() ? List.of(levels, bob) : List.of(create, levels, bob);
            ObjectNode text = json("{'body':'hi'}");

            rows.add(new Row(v, "message listing exactly the selected events", withAuth(room, EventTypes.MESSAGE, BOB, null, text, base), base, true));
            List<Pdu> subset = v.roomIdIsCreateEventHash() ? List.of(bob) : List.of(create, bob);
            rows.add(new Row(v, "message listing a subset (no power levels)", withAuth(room, EventTypes.MESSAGE, BOB, null, text, subset), subset, true));
            List<Pdu> twice = new ArrayList<>(base);
            twice.add(levels);
            rows.add(new Row(v, "message listing the power levels twice", withAuth(room, EventTypes.MESSAGE, BOB, null, text, twice), base, false));
            Pdu olderLevels = room.powerLevels(ALICE, room.defaultLevels());
            List<Pdu> twoLevels = new ArrayList<>(base);
            twoLevels.add(olderLevels);
            rows.add(new Row(v, "message listing two power-levels events", withAuth(room, EventTypes.MESSAGE, BOB, null, text, twoLevels), twoLevels, false));
            List<Pdu> withRules = new ArrayList<>(base);
            withRules.add(joinRules);
            rows.add(new Row(v, "message listing the join rules (not selected for messages)",
                    withAuth(room, EventTypes.MESSAGE, BOB, null, text, withRules), withRules, false));
            Pdu mod = room.state().get(AuthEventSelection.member(MOD.value()));
            List<Pdu> otherMember = new ArrayList<>(base);
            otherMember.add(mod);
            rows.add(new Row(v, "message listing another user's membership", withAuth(room, EventTypes.MESSAGE, BOB, null, text, otherMember), otherMember, false));
            if (v.roomIdIsCreateEventHash()) {
                List<Pdu> withCreate = List.of(create, levels, bob);
                rows.add(new Row(v, "(v12) message listing the create event", withAuth(room, EventTypes.MESSAGE, BOB, null, text, withCreate), withCreate, false));
            } else {
                List<Pdu> noCreate = List.of(levels, bob);
                rows.add(new Row(v, "(v10, v11) message not listing the create event", withAuth(room, EventTypes.MESSAGE, BOB, null, text, noCreate), noCreate, false));
            }
            rows.add(new Row(v, "message listing an event that was not supplied (unknown or rejected)",
                    withAuth(room, EventTypes.MESSAGE, BOB, null, text, base), base.subList(0, base.size() - 1), false));
            Pdu message = room.message(BOB);
            List<Pdu> withMessage = new ArrayList<>(base);
            withMessage.add(message);
            rows.add(new Row(v, "message listing a non-state event", withAuth(room, EventTypes.MESSAGE, BOB, null, text, withMessage), withMessage, false));
            Pdu foreign = RoomFixture.standard(v, RoomFixture.createContent(v).put("m.federate", true), pl -> { })
                    .event(EventTypes.POWER_LEVELS, ALICE, "", room.defaultLevels(), json -> json.put("room_id",
                            v.roomIdIsCreateEventHash() ? RoomFixture.createEvent(v, BOB, RoomFixture.createContent(v), List.of(), "").roomId().value()
                                    : "!other:example.org"));
            List<Pdu> withForeign = v.roomIdIsCreateEventHash() ? List.of(foreign, bob) : List.of(create, foreign, bob);
            rows.add(new Row(v, "message listing power levels of another room", withAuth(room, EventTypes.MESSAGE, BOB, null, text, withForeign), withForeign, false));

            // Member events
            RoomFixture restricted = room.copy().joinRule("restricted");
            Pdu rules = restricted.state().get(AuthEventSelection.JOIN_RULES);
            List<Pdu> join = new ArrayList<>(v.roomIdIsCreateEventHash() ? List.of(levels, rules, mod) : List.of(create, levels, rules, mod));
            ObjectNode joinContent = JoinCases.join(MOD.value());
            rows.add(new Row(v, "restricted join listing join rules and the authoriser's membership",
                    withAuth(restricted, EventTypes.MEMBER, CAROL, CAROL.value(), joinContent, join), join, true));
            List<Pdu> wrongAuthoriser = new ArrayList<>(join);
            wrongAuthoriser.set(wrongAuthoriser.size() - 1, bob);
            rows.add(new Row(v, "restricted join listing another member than the authoriser",
                    withAuth(restricted, EventTypes.MEMBER, CAROL, CAROL.value(), joinContent, wrongAuthoriser), wrongAuthoriser, false));
            List<Pdu> leave = new ArrayList<>(v.roomIdIsCreateEventHash() ? List.of(levels, bob, joinRules) : List.of(create, levels, bob, joinRules));
            rows.add(new Row(v, "leave listing the join rules (only join, invite and knock select them)",
                    withAuth(room, EventTypes.MEMBER, BOB, BOB.value(), json("{'membership':'leave'}"), leave), leave, false));
            List<Pdu> kick = v.roomIdIsCreateEventHash() ? List.of(levels, mod, bob) : List.of(create, levels, mod, bob);
            rows.add(new Row(v, "kick listing the sender's and the target's membership",
                    withAuth(room, EventTypes.MEMBER, MOD, BOB.value(), json("{'membership':'leave'}"), kick), kick, true));
            Pdu createItself = RoomFixture.createEvent(v, RoomFixture.createContent(v));
            rows.add(new Row(v, "create event (rule 1 decides; nothing to check)", createItself, List.of(), true));
        }
        return rows;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void authEventsAreCheckedAgainstTheSelection(Row row) {
        if (row.allowed()) {
            assertThatCode(() -> AuthRules.checkAuthEvents(row.event(), row.authEvents())).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> AuthRules.checkAuthEvents(row.event(), row.authEvents()))
                    .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.rule()).isEqualTo(AuthRule.AUTH_EVENTS));
        }
    }
}
