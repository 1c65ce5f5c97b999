package dev.starling.server.filters;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventTypeFilterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{}|m.room.message|true",
        "{\"types\":[]}|m.room.message|false",
        "{\"types\":[\"m.room.message\"]}|m.room.message|true",
        "{\"types\":[\"m.room.message\"]}|m.room.messages|false",
        "{\"types\":[\"m.room.*\"]}|m.room.message|true",
        "{\"types\":[\"m.room.*\"]}|m.roo|false",
        "{\"types\":[\"*.message\"]}|m.room.message|true",
        "{\"types\":[\"m.*.m*e\"]}|m.room.message|true",
        "{\"types\":[\"m.*.m*e\"]}|m.room.messages|false",
        "{\"types\":[\"*\"],\"not_types\":[\"m.typing\"]}|m.typing|false",
        "{\"types\":[\"*\"],\"not_types\":[\"m.typing\"]}|m.receipt|true",
        "{\"not_types\":[\"*\"]}|m.receipt|false",
        "{\"types\":[\"a\",\"m.receipt\"],\"not_types\":[\"b*\"]}|m.receipt|true",
        "{\"types\":[\"m.receipt\",7]}|m.receipt|true",
    })
    void typesAndNotTypesWithStars(String filter, String type, boolean allowed) throws Exception {
        JsonNode json = JSON.readTree("{\"presence\":" + filter + "}");
        EventTypeFilter parsed = EventTypeFilter.at(json, "presence");
        assertThat(parsed.allowsType(type)).isEqualTo(allowed);
    }
}
