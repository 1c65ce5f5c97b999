package dev.starling.protocol.auth;

import static dev.starling.protocol.auth.RoomFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.UserId;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** The power-levels content model and its shape rule. */
class PowerLevelsTest {
    static final long MAX = RoomFixture.MAX;

    @Test
    void roomWithoutAnEventHasStateDefault50() {
        // matrix-spec#1479 removed the old "0 when there is no power-levels event".
        assertThat(PowerLevels.withoutEvent().stateDefault()).isEqualTo(50);
        assertThat(PowerLevels.withoutEvent().eventLevel("m.room.topic", true)).isEqualTo(50);
        assertThat(PowerLevels.withoutEvent().eventLevel("m.room.message", false)).isZero();
    }

    @Test
    void missingAndNonIntegerKeysTakeTheDefaults() {
        PowerLevels levels = PowerLevels.fromContent(json("{'ban':'75','event_default':100,'users':{'@a:x':7,'@b:x':'9'}}"));
        assertThat(levels.ban()).isEqualTo(50);
        assertThat(levels.eventsDefault()).isZero();
        assertThat(levels.userLevel(UserId.parse("@a:x"))).isEqualTo(7);
        assertThat(levels.userLevel(UserId.parse("@b:x"))).isZero();
        assertThat(levels.listsUser(UserId.parse("@b:x"))).isFalse();
    }

    @Test
    void eventLevelsOverrideTheDefaults() {
        PowerLevels levels = PowerLevels.fromContent(json("{'events':{'m.room.name':75,'m.bad':'1'},'state_default':60,'events_default':5,'notifications':{'room':20}}"));
        assertThat(levels.eventLevel("m.room.name", true)).isEqualTo(75);
        assertThat(levels.eventLevel("m.bad", true)).isEqualTo(60);
        assertThat(levels.eventLevel("m.room.message", false)).isEqualTo(5);
        assertThat(levels.notificationsRoom()).isEqualTo(20);
    }

    @Test
    void shapeAcceptsTheCanonicalRangeAndRefusesBeyondIt() {
        assertThat(PowerLevels.shapeProblem(json("{'ban':" + MAX + ",'kick':-" + MAX + "}"))).isNull();
        ObjectNode tooBig = JsonNodeFactory.instance.objectNode().put("ban", MAX + 1);
        assertThat(PowerLevels.shapeProblem(tooBig)).contains("ban");
        ObjectNode huge = JsonNodeFactory.instance.objectNode();
        huge.putObject("users").put("@a:x", BigInteger.TWO.pow(70));
        assertThat(PowerLevels.shapeProblem(huge)).contains("users");
        assertThat(PowerLevels.fromContent(tooBig).ban()).as("out of range counts as missing").isEqualTo(50);
        assertThat(Levels.asLevel(huge.get("users").get("@a:x"))).isNull();
    }
}
