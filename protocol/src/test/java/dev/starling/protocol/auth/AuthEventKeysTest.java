package dev.starling.protocol.auth;

import static dev.starling.protocol.auth.RoomFixture.BOB;
import static dev.starling.protocol.auth.RoomFixture.CAROL;
import static dev.starling.protocol.auth.RoomFixture.MOD;
import static dev.starling.protocol.auth.RoomFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.rooms.RoomVersion;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** "Auth events selection" (Server-Server API) for each version. */
class AuthEventKeysTest {
    static final StateKey CREATE = new StateKey(EventTypes.CREATE, "");
    static final StateKey LEVELS = new StateKey(EventTypes.POWER_LEVELS, "");
    static final StateKey RULES = new StateKey(EventTypes.JOIN_RULES, "");

    static StateKey member(dev.starling.protocol.id.UserId user) {
        return new StateKey(EventTypes.MEMBER, user.value());
    }

    /** The create key (before v12) followed by the given keys. */
    static List<StateKey> expected(RoomVersion version, StateKey... keys) {
        List<StateKey> list = new ArrayList<>();
        if (!version.roomIdIsCreateEventHash()) {
            list.add(CREATE);
        }
        list.addAll(List.of(keys));
        return list;
    }

    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void createEventHasNoAuthEvents(RoomVersion version) {
        assertThat(AuthRules.authEventKeys(RoomFixture.createEvent(version, RoomFixture.createContent(version)))).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void messageSelectsCreateBeforeV12PowerLevelsAndSenderMembership(RoomVersion version) {
        RoomFixture room = RoomFixture.standard(version);
        assertThat(AuthRules.authEventKeys(room.message(BOB))).containsExactlyElementsOf(expected(version, LEVELS, member(BOB)));
        if (version.roomIdIsCreateEventHash()) {
            assertThat(AuthRules.authEventKeys(room.message(BOB))).as("v12 never selects the create event").doesNotContain(CREATE);
        }
    }

    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void memberEventsSelectTargetJoinRulesTokenAndAuthoriser(RoomVersion version) {
        RoomFixture room = RoomFixture.standard(version);
        assertThat(AuthRules.authEventKeys(room.member(CAROL, CAROL, "join")))
                .containsExactlyElementsOf(expected(version, LEVELS, member(CAROL), RULES));
        assertThat(AuthRules.authEventKeys(room.member(CAROL, CAROL.value(), JoinCases.join(MOD.value()))))
                .containsExactlyElementsOf(expected(version, LEVELS, member(CAROL), RULES, member(MOD)));
        assertThat(AuthRules.authEventKeys(room.member(CAROL, CAROL.value(), JoinCases.join(null).put("join_authorised_via_users_server", 5))))
                .as("a non-string authoriser selects nothing").containsExactlyElementsOf(expected(version, LEVELS, member(CAROL), RULES));
        assertThat(AuthRules.authEventKeys(room.member(BOB, CAROL, "invite")))
                .containsExactlyElementsOf(expected(version, LEVELS, member(BOB), member(CAROL), RULES));
        Pdu thirdParty = room.member(MOD, CAROL.value(), ThirdPartyCases.invite(ThirdPartyCases.signed(CAROL.value(), "tok", ThirdPartyCases.KEY)));
        assertThat(AuthRules.authEventKeys(thirdParty)).containsExactlyElementsOf(expected(version, LEVELS, member(MOD), member(CAROL), RULES,
                new StateKey(EventTypes.THIRD_PARTY_INVITE, "tok")));
        assertThat(AuthRules.authEventKeys(room.member(MOD, CAROL.value(), ThirdPartyCases.invite(null))))
                .as("no token, no third-party invite key").containsExactlyElementsOf(expected(version, LEVELS, member(MOD), member(CAROL), RULES));
        assertThat(AuthRules.authEventKeys(room.member(CAROL, CAROL, "knock")))
                .containsExactlyElementsOf(expected(version, LEVELS, member(CAROL), RULES));
        assertThat(AuthRules.authEventKeys(room.member(MOD, BOB, "leave")))
                .containsExactlyElementsOf(expected(version, LEVELS, member(MOD), member(BOB)));
        assertThat(AuthRules.authEventKeys(room.member(MOD, BOB, "ban")))
                .containsExactlyElementsOf(expected(version, LEVELS, member(MOD), member(BOB)));
        assertThat(AuthRules.authEventKeys(room.member(MOD, BOB.value(), JoinCases.join(MOD.value()).put("membership", "leave"))))
                .as("an authoriser only matters for joins").containsExactlyElementsOf(expected(version, LEVELS, member(MOD), member(BOB)));
    }

    @ParameterizedTest
    @EnumSource(RoomVersion.class)
    void eventBeingBuiltGetsTheSameKeysAsTheFinishedEvent(RoomVersion version) {
        RoomFixture room = RoomFixture.standard(version);
        Pdu join = room.member(CAROL, CAROL.value(), JoinCases.join(MOD.value()));
        assertThat(AuthRules.authEventKeys(version, EventTypes.MEMBER, CAROL, CAROL.value(), JoinCases.join(MOD.value())))
                .isEqualTo(AuthRules.authEventKeys(join));
        assertThat(AuthRules.authEventKeys(version, EventTypes.MESSAGE, BOB, null, json("{}")))
                .isEqualTo(AuthRules.authEventKeys(room.message(BOB)));
    }
}
