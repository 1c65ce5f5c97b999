package dev.starling.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PercentDecodingTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NONE", value = {
        "plain|plain|plain",
        "%21room%3Aexample.org|!room:example.org|!room:example.org",
        "a+b|a+b|a b",
        "a%2Bb|a+b|a+b",
        "%C3%A9t%C3%A9|été|été",
        "%F0%9F%98%80|😀|😀",
        "été|été|été",
        "x😀y|x😀y|x😀y",
        "%C3%28|NONE|NONE",
        "%FF|NONE|NONE",
        "%2|NONE|NONE",
        "%G1|NONE|NONE",
        "abc%|NONE|NONE",
    })
    void decodesStrictly(String raw, String asPath, String asQuery) {
        assertThat(PercentDecoding.pathSegment(raw)).isEqualTo(Optional.ofNullable(asPath));
        assertThat(PercentDecoding.queryComponent(raw)).isEqualTo(Optional.ofNullable(asQuery));
    }

    @Test
    void aNulByteIsText() {
        assertThat(PercentDecoding.pathSegment("a%00b")).contains("a\u0000b");
    }

    @Test
    void undoesFormEncodingOfAnyText() {
        Random random = new Random(20261125);
        for (int round = 0; round < 20_000; round++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(12);
            for (int i = 0; i < length; i++) {
                switch (random.nextInt(4)) {
                    case 0 -> text.append((char) (0x20 + random.nextInt(0x5F)));
                    case 1 -> text.append((char) (0xA0 + random.nextInt(0x700)));
                    case 2 -> text.appendCodePoint(0x1F300 + random.nextInt(0x300));
                    default -> text.append("+%&=/:!".charAt(random.nextInt(7)));
                }
            }
            String encoded = URLEncoder.encode(text.toString(), StandardCharsets.UTF_8);
            assertThat(PercentDecoding.queryComponent(encoded)).as(encoded).contains(text.toString());
        }
    }
}
