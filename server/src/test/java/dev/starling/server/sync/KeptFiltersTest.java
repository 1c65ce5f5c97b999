package dev.starling.server.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.starling.protocol.id.UserId;
import dev.starling.server.http.MatrixException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link KeptFilters}: each user's filter IDs resolve once, inline JSON once for everyone, refusals never kept. */
class KeptFiltersTest {
    private static final UserId ALICE = UserId.parse("@alice:example.org");
    private static final UserId BOB = UserId.parse("@bob:example.org");

    private final List<String> asked = new ArrayList<>();
    private final KeptFilters kept = new KeptFilters((user, id) -> {
        asked.add(user.value() + " " + id);
        if (id.equals("404")) {
            throw MatrixException.invalidParam("filter", "no such filter");
        }
        return new SyncFilter(JsonNodeFactory.instance.objectNode().put("owner", user.value()));
    });

    @Test
    void anIdIsResolvedOncePerUserAndKeepsItsOwner() {
        assertThat(kept.resolve(ALICE, "0").filter().json().path("owner").asText()).isEqualTo("@alice:example.org");
        assertThat(kept.resolve(ALICE, "0").filter().json().path("owner").asText()).isEqualTo("@alice:example.org");
        assertThat(kept.resolve(BOB, "0").filter().json().path("owner").asText()).isEqualTo("@bob:example.org");
        assertThat(asked).containsExactly("@alice:example.org 0", "@bob:example.org 0");
    }

    @Test
    void inlineJsonIsParsedOnceAndARefusalIsNeverKept() {
        String inline = "{\"room\":{\"timeline\":{\"limit\":3}}}";
        assertThat(kept.resolve(ALICE, inline).filter().timelineLimit()).isEqualTo(3);
        assertThat(kept.resolve(BOB, inline).filter().timelineLimit()).isEqualTo(3);
        assertThat(kept.resolve(ALICE, inline)).isSameAs(kept.resolve(BOB, inline));
        assertThatThrownBy(() -> kept.resolve(ALICE, "{not json")).isInstanceOf(MatrixException.class);
        assertThatThrownBy(() -> kept.resolve(ALICE, "404")).isInstanceOf(MatrixException.class);
        assertThatThrownBy(() -> kept.resolve(ALICE, "404")).isInstanceOf(MatrixException.class);
        assertThat(asked).containsExactly("@alice:example.org 404", "@alice:example.org 404");
        assertThatThrownBy(() -> kept.resolve(ALICE, "{\"room\":{\"timeline\":{\"limit\":-1}}}"))
                .as("a bad limit is refused when resolved").isInstanceOf(MatrixException.class);
        String huge = "{\"x\":\"" + "a".repeat(KeptFilters.MAX_KEPT_LENGTH) + "\"}";
        assertThat(kept.resolve(ALICE, huge)).isNotSameAs(kept.resolve(ALICE, huge));
    }
}
