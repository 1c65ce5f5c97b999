package dev.starling.protocol.auth;

import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.rooms.RoomVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One row of the auth-rule table: an event, the state it is checked against, and the expected outcome. */
record AuthCase(RoomVersion version, String description, Pdu event, Map<StateKey, Pdu> state, AuthRule expected) {

    boolean allowed() {
        return expected == null;
    }

    @Override
    public String toString() {
        return "v" + version.id() + " " + description + " → " + (expected == null ? "allowed" : expected);
    }

    /** Collects the rows of one room version. */
    static final class Rows {
        final RoomVersion version;
        final List<AuthCase> cases = new ArrayList<>();

        Rows(RoomVersion version) {
            this.version = version;
        }

        void allow(String description, Pdu event, RoomFixture room) {
            cases.add(new AuthCase(version, description, event, room.state(), null));
        }

        void deny(AuthRule rule, String description, Pdu event, RoomFixture room) {
            cases.add(new AuthCase(version, description, event, room.state(), rule));
        }

        /** Allowed when {@code allowed}, else refused by {@code rule}: rows whose outcome differs per version. */
        void expect(boolean allowed, AuthRule rule, String description, Pdu event, RoomFixture room) {
            if (allowed) {
                allow(description, event, room);
            } else {
                deny(rule, description, event, room);
            }
        }

        boolean v10() {
            return version == RoomVersion.V10;
        }

        boolean v12() {
            return version == RoomVersion.V12;
        }

        RoomFixture standard() {
            return RoomFixture.standard(version);
        }
    }
}
