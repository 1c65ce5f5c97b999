package dev.starling.server.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.protocol.id.DeviceId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import dev.starling.server.storage.TestDatabase;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

class UserStoreTest {
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC);
    static final UserId ALICE = UserId.parse("@alice:example.org");
    static final String HASH = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";

    @OnEveryDatabase
    void createsAndGetsAUser(Backend backend) {
        try (TestDatabase t = backend.create()) {
            UserStore users = new UserStore(t.db(), CLOCK);

            User created = users.create(ALICE, HASH, false);

            User expected = new User(ALICE, CLOCK.millis(), false, false);
            assertThat(created).isEqualTo(expected);
            assertThat(users.get(ALICE)).contains(expected);
            assertThat(users.exists(ALICE)).isTrue();
            assertThat(users.passwordHash(ALICE)).contains(HASH);
            assertThat(users.get(UserId.parse("@bob:example.org"))).isEmpty();
        }
    }

    @OnEveryDatabase
    void createsAnAdminWithoutPassword(Backend backend) {
        try (TestDatabase t = backend.create()) {
            UserStore users = new UserStore(t.db(), CLOCK);

            users.createWithoutPassword(ALICE, true);

            assertThat(users.get(ALICE)).hasValueSatisfying(u -> assertThat(u.admin()).isTrue());
            assertThat(users.passwordHash(ALICE)).isEmpty();
        }
    }

    @OnEveryDatabase
    void aTakenIdIsUserExistsException(Backend backend) {
        try (TestDatabase t = backend.create()) {
            UserStore users = new UserStore(t.db(), CLOCK);
            users.create(ALICE, HASH, false);

            assertThatThrownBy(() -> users.create(ALICE, "other", true))
                    .isInstanceOfSatisfying(UserExistsException.class, e -> assertThat(e.userId()).isEqualTo(ALICE));
            assertThatThrownBy(() -> users.createWithoutPassword(ALICE, false))
                    .isInstanceOf(UserExistsException.class);
            assertThat(users.passwordHash(ALICE)).contains(HASH);
            assertThat(users.get(ALICE)).hasValueSatisfying(u -> assertThat(u.admin()).isFalse());
        }
    }

    @OnEveryDatabase
    void ofConcurrentCreationsOfOneIdExactlyOneWins(Backend backend) throws Exception {
        try (TestDatabase t = backend.create()) {
            UserStore users = new UserStore(t.db(), CLOCK);
            int threads = 16;
            CountDownLatch start = new CountDownLatch(1);
            List<Future<String>> results = new ArrayList<>();
            try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < threads; i++) {
                    String hash = "hash-" + i;
                    results.add(executor.submit(() -> {
                        start.await();
                        try {
                            users.create(ALICE, hash, false);
                            return hash;
                        } catch (UserExistsException e) {
                            return "taken";
                        }
                    }));
                }
                start.countDown();
            }
            List<String> outcomes = new ArrayList<>();
            for (Future<String> result : results) {
                outcomes.add(result.get());
            }

            List<String> winners = outcomes.stream().filter(o -> !o.equals("taken")).toList();
            assertThat(winners).hasSize(1);
            assertThat(outcomes).filteredOn("taken"::equals).hasSize(threads - 1);
            assertThat(users.passwordHash(ALICE)).contains(winners.get(0));
        }
    }

    @OnEveryDatabase
    void setsThePasswordHash(Backend backend) {
        try (TestDatabase t = backend.create()) {
            UserStore users = new UserStore(t.db(), CLOCK);
            users.create(ALICE, HASH, false);

            assertThat(users.setPasswordHash(ALICE, "new-hash")).isTrue();
            assertThat(users.passwordHash(ALICE)).contains("new-hash");
            assertThat(users.setPasswordHash(UserId.parse("@bob:example.org"), "x")).isFalse();
        }
    }

    @OnEveryDatabase
    void deactivationKeepsTheIdButRemovesPasswordDevicesAndTokens(Backend backend) {
        try (TestDatabase t = backend.create()) {
            UserStore users = new UserStore(t.db(), CLOCK);
            DeviceStore devices = new DeviceStore(t.db(), CLOCK);
            users.create(ALICE, HASH, false);
            TokenHash token = TokenHash.of("syt_token");
            devices.createDevice(ALICE, DeviceId.parse("PHONE"), token);

            assertThat(users.deactivate(ALICE)).isTrue();

            assertThat(users.get(ALICE)).hasValueSatisfying(u -> assertThat(u.deactivated()).isTrue());
            assertThat(users.passwordHash(ALICE)).isEmpty();
            assertThat(users.setPasswordHash(ALICE, "again")).isFalse();
            assertThat(devices.findByToken(token)).isEmpty();
            assertThat(devices.list(ALICE)).isEmpty();
            assertThat(users.deactivate(ALICE)).isFalse();
            assertThatThrownBy(() -> users.create(ALICE, HASH, false)).isInstanceOf(UserExistsException.class);
        }
    }
}
