package dev.starling.server.users;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.protocol.id.DeviceId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.http.AuthenticatedDevice;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The revocation rule of {@link TokenCache}, without a database. */
class TokenCacheTest {
    private static final AuthenticatedDevice DEVICE =
            new AuthenticatedDevice(UserId.parse("@alice:example.org"), DeviceId.parse("PHONE"));

    @Test
    void aKeptDeviceIsServedWithoutReadingUntilARevocation() {
        TokenCache cache = new TokenCache();
        TokenHash token = TokenHash.of("token");
        AtomicInteger reads = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            assertThat(cache.find(token, t -> {
                reads.incrementAndGet();
                return Optional.of(DEVICE);
            })).contains(DEVICE);
        }
        assertThat(reads).hasValue(1);
        TokenCache.revoked();
        assertThat(cache.find(token, t -> Optional.empty())).as("read again after a revocation").isEmpty();
        assertThat(cache.find(token, t -> Optional.empty())).isEmpty();
        assertThat(cache.size()).isZero();
    }

    /** A read that saw the token before a revocation committed must not be served after the revocation. */
    @Test
    void aReadRacingARevocationIsNotKeptForAfterIt() {
        TokenCache cache = new TokenCache();
        TokenHash token = TokenHash.of("racing");
        assertThat(cache.find(token, t -> {
            TokenCache.revoked(); // the revoking transaction commits while this read is under way
            return Optional.of(DEVICE); // what the read saw before that commit
        })).contains(DEVICE);
        AtomicInteger reads = new AtomicInteger();
        assertThat(cache.find(token, t -> {
            reads.incrementAndGet();
            return Optional.empty();
        })).isEmpty();
        assertThat(reads).as("the racing entry was not used").hasValue(1);
    }

    @Test
    void unknownTokensAreNotKept() {
        TokenCache cache = new TokenCache();
        AtomicInteger reads = new AtomicInteger();
        for (int i = 0; i < 2; i++) {
            cache.find(TokenHash.of("unknown"), t -> {
                reads.incrementAndGet();
                return Optional.empty();
            });
        }
        assertThat(reads).hasValue(2);
    }
}
