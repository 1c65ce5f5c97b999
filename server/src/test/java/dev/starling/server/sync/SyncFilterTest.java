package dev.starling.server.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.server.filters.EventTypeFilter;
import org.junit.jupiter.api.Test;

class SyncFilterTest {
    @Test
    void eventFiltersAreParsedOncePerPathAndAnswerAsParsedAnew() {
        SyncFilter filter = SyncFilter.parseInline(
                "{\"presence\":{\"not_types\":[\"*\"]},\"room\":{\"ephemeral\":{\"types\":[\"m.receipt\"]}}}");
        EventTypeFilter ephemeral = filter.eventTypes("room", "ephemeral");
        assertThat(filter.eventTypes("room", "ephemeral")).isSameAs(ephemeral);
        assertThat(filter.eventTypes("presence")).isNotSameAs(ephemeral);
        assertThat(ephemeral.allowsType("m.receipt")).isTrue();
        assertThat(ephemeral.allowsType("m.typing")).isFalse();
        assertThat(filter.eventTypes("presence").allowsType("m.presence")).isFalse();
        assertThat(filter.eventTypes("account_data").allowsType("m.push_rules")).isTrue();
    }

    @Test
    void equalFiltersAreEqualAndTheJsonIsACopy() {
        ObjectNode json = JsonNodeFactory.instance.objectNode().put("event_format", "client");
        SyncFilter filter = new SyncFilter(json);
        json.put("event_format", "federation");
        assertThat(filter.json().path("event_format").asText()).isEqualTo("client");
        assertThat(filter).isEqualTo(SyncFilter.parseInline("{\"event_format\":\"client\"}"))
                .hasSameHashCodeAs(SyncFilter.parseInline("{\"event_format\":\"client\"}"))
                .isNotEqualTo(SyncFilter.NONE);
    }
}
