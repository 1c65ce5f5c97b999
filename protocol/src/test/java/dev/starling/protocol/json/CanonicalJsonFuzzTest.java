package dev.starling.protocol.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;

class CanonicalJsonFuzzTest {
    /** Any bytes either parse to a tree or raise InvalidJsonException; what parses re-encodes stably. */
    @FuzzTest(maxDuration = "60s")
    void parseEitherReturnsATreeOrRefusesWithInvalidJson(byte[] input) {
        JsonNode tree;
        try {
            tree = CanonicalJson.parse(input);
        } catch (InvalidJsonException expected) {
            assertThat(expected.problem()).isNotNull();
            return;
        }
        byte[] once = CanonicalJson.encode(tree);
        JsonNode again = CanonicalJson.parse(once);
        assertThat(again).isEqualTo(tree);
        assertThat(CanonicalJson.encode(again)).isEqualTo(once);
    }
}
