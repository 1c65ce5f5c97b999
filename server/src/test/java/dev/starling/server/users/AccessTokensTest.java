package dev.starling.server.users;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessTokensTest {
    private final AccessTokens tokens = new AccessTokens(new SecureRandom());

    @Test
    void tokensAreRandomPrefixedAndCarry256Bits() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String token = tokens.generate();
            assertThat(token).startsWith("stt_").hasSize(4 + 43).matches("stt_[A-Za-z0-9_-]{43}");
            seen.add(token);
        }
        assertThat(seen).hasSize(1000);
    }
}
