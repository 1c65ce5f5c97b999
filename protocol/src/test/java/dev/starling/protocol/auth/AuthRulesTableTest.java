package dev.starling.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.protocol.rooms.RoomVersion;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The authorization rules as a table over room versions 10, 11 and 12 (SECURITY.md item 11): each row is an
 * event, the state it is checked against, and either "allowed" or the rule that refuses it.
 */
class AuthRulesTableTest {

    static List<AuthCase> rows() {
        List<AuthCase> all = new ArrayList<>();
        for (RoomVersion version : RoomVersion.values()) {
            AuthCase.Rows rows = new AuthCase.Rows(version);
            CreateCases.add(rows);
            JoinCases.add(rows);
            MemberCases.add(rows);
            ThirdPartyCases.add(rows);
            PowerCases.add(rows);
            PowerLevelCases.add(rows);
            all.addAll(rows.cases);
        }
        return all;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void eventIsAllowedOrRefusedByTheNamedRule(AuthCase row) {
        if (row.allowed()) {
            assertThatCode(() -> AuthRules.check(row.event(), row.state())).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> AuthRules.check(row.event(), row.state()))
                    .isInstanceOfSatisfying(AuthException.class, e -> {
                        assertThat(e.rule()).isEqualTo(row.expected());
                        assertThat(e.getMessage()).startsWith(row.expected() + ": ").hasSizeGreaterThan(row.expected().name().length() + 10);
                    });
        }
    }

    @Test
    void everyStateRuleHasAnAllowedAndADeniedRowInEveryVersion() {
        List<AuthCase> all = rows();
        // AUTH_EVENTS and REDACTION are not decided by check(); their tables are AuthEventsTest and RedactionTest.
        Set<AuthRule> stateRules = EnumSet.complementOf(EnumSet.of(AuthRule.AUTH_EVENTS, AuthRule.REDACTION));
        for (RoomVersion version : RoomVersion.values()) {
            List<AuthCase> rows = all.stream().filter(r -> r.version() == version).toList();
            Set<AuthRule> denied = rows.stream().filter(r -> !r.allowed()).map(AuthCase::expected).collect(Collectors.toSet());
            assertThat(denied).as("rules with a denied row in v" + version.id()).containsAll(stateRules);
            assertThat(rows.stream().filter(AuthCase::allowed).count()).as("allowed rows in v" + version.id()).isGreaterThan(60);
        }
        assertThat(all).hasSizeGreaterThan(300);
    }
}
