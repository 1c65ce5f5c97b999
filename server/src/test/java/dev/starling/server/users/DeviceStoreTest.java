package dev.starling.server.users;

import static dev.starling.server.users.UserStoreTest.ALICE;
import static dev.starling.server.users.UserStoreTest.CLOCK;
import static dev.starling.server.users.UserStoreTest.HASH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.protocol.id.DeviceId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.Database;
import dev.starling.server.storage.OnEveryDatabase;
import dev.starling.server.storage.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

class DeviceStoreTest {
    static final DeviceId PHONE = DeviceId.parse("PHONE");
    static final DeviceId LAPTOP = DeviceId.parse("LAPTOP");

    @OnEveryDatabase
    void createsADeviceWithATokenAndFindsItByTheTokenHash(Backend backend) {
        try (TestDatabase t = backend.create()) {
            DeviceStore devices = storeWithAlice(t);
            TokenHash token = TokenHash.of("syt_secret_token");

            Device device = devices.createDevice(ALICE, PHONE, "Alice's phone", token);

            Device expected = new Device(ALICE, PHONE, Optional.of("Alice's phone"), OptionalLong.empty());
            assertThat(device).isEqualTo(expected);
            assertThat(devices.findByToken(token)).contains(expected);
            assertThat(devices.findByToken(TokenHash.of("syt_other_token"))).isEmpty();
            assertThat(devices.get(ALICE, PHONE)).contains(expected);
        }
    }

    @OnEveryDatabase
    void storesOnlyTheSha256OfTheToken(Backend backend) throws Exception {
        try (TestDatabase t = backend.create()) {
            DeviceStore devices = storeWithAlice(t);
            devices.createDevice(ALICE, PHONE, TokenHash.of("syt_secret_token"));

            byte[] sha256 = MessageDigest.getInstance("SHA-256")
                    .digest("syt_secret_token".getBytes(StandardCharsets.UTF_8));
            assertThat(storedTokenHashes(t.db())).containsExactly(sha256);
            assertThat(TokenHash.of("syt_secret_token").toString()).doesNotContain("syt");
        }
    }

    @OnEveryDatabase
    void aNewTokenForAnExistingDeviceKeepsTheDeviceAndRevokesItsOldToken(Backend backend) {
        try (TestDatabase t = backend.create()) {
            DeviceStore devices = storeWithAlice(t);
            TokenHash first = TokenHash.of("first");
            TokenHash second = TokenHash.of("second");
            devices.createDevice(ALICE, PHONE, "Phone", first);

            Device again = devices.createDevice(ALICE, PHONE, second);

            assertThat(again.displayName()).contains("Phone");
            assertThat(devices.findByToken(first)).isEmpty();
            assertThat(devices.findByToken(second)).contains(again);
            assertThat(devices.list(ALICE)).containsExactly(again);
        }
    }

    @OnEveryDatabase
    void deletingADeviceRemovesItsTokensAndNoOtherDevice(Backend backend) {
        try (TestDatabase t = backend.create()) {
            DeviceStore devices = storeWithAlice(t);
            TokenHash phone1 = TokenHash.of("phone-1");
            TokenHash phone2 = TokenHash.of("phone-2");
            TokenHash laptop = TokenHash.of("laptop");
            devices.createDevice(ALICE, PHONE, phone1);
            devices.createDevice(ALICE, PHONE, phone2);
            devices.createDevice(ALICE, LAPTOP, laptop);

            assertThat(devices.delete(ALICE, PHONE)).isTrue();

            assertThat(devices.findByToken(phone1)).isEmpty();
            assertThat(devices.findByToken(phone2)).isEmpty();
            assertThat(devices.findByToken(laptop)).isPresent();
            assertThat(storedTokenHashes(t.db())).hasSize(1);
            assertThat(devices.list(ALICE)).extracting(Device::deviceId).containsExactly(LAPTOP);
            assertThat(devices.delete(ALICE, PHONE)).isFalse();
        }
    }

    @OnEveryDatabase
    void deleteAllRemovesEveryDeviceOfTheUserOnly(Backend backend) {
        try (TestDatabase t = backend.create()) {
            DeviceStore devices = storeWithAlice(t);
            UserId bob = UserId.parse("@bob:example.org");
            new UserStore(t.db(), CLOCK).create(bob, HASH, false);
            devices.createDevice(ALICE, PHONE, TokenHash.of("a1"));
            devices.createDevice(ALICE, LAPTOP, TokenHash.of("a2"));
            devices.createDevice(bob, PHONE, TokenHash.of("b1"));

            assertThat(devices.deleteAll(ALICE)).isEqualTo(2);

            assertThat(devices.list(ALICE)).isEmpty();
            assertThat(devices.findByToken(TokenHash.of("b1"))).isPresent();
            assertThat(storedTokenHashes(t.db())).hasSize(1);
        }
    }

    @OnEveryDatabase
    void listsRenamesAndMarksDevicesSeen(Backend backend) {
        try (TestDatabase t = backend.create()) {
            DeviceStore devices = storeWithAlice(t);
            devices.createDevice(ALICE, PHONE, TokenHash.of("p"));
            devices.createDevice(ALICE, LAPTOP, TokenHash.of("l"));

            assertThat(devices.rename(ALICE, LAPTOP, "Work laptop")).isTrue();
            assertThat(devices.markSeen(ALICE, PHONE)).isTrue();
            assertThat(devices.rename(ALICE, DeviceId.parse("NONE"), "x")).isFalse();

            assertThat(devices.list(ALICE)).containsExactly(
                    new Device(ALICE, LAPTOP, Optional.of("Work laptop"), OptionalLong.empty()),
                    new Device(ALICE, PHONE, Optional.empty(), OptionalLong.of(CLOCK.millis())));
        }
    }

    @OnEveryDatabase
    void noDeviceForAnUnknownOrDeactivatedUser(Backend backend) {
        try (TestDatabase t = backend.create()) {
            DeviceStore devices = storeWithAlice(t);
            UserId nobody = UserId.parse("@nobody:example.org");

            assertThatThrownBy(() -> devices.createDevice(nobody, PHONE, TokenHash.of("n")))
                    .isInstanceOfSatisfying(UnknownUserException.class, e -> assertThat(e.deactivated()).isFalse());
            new UserStore(t.db(), CLOCK).deactivate(ALICE);
            assertThatThrownBy(() -> devices.createDevice(ALICE, PHONE, TokenHash.of("a")))
                    .isInstanceOfSatisfying(UnknownUserException.class, e -> assertThat(e.deactivated()).isTrue());

            assertThat(storedTokenHashes(t.db())).isEmpty();
            assertThat(devices.list(ALICE)).isEmpty();
        }
    }

    private static DeviceStore storeWithAlice(TestDatabase t) {
        new UserStore(t.db(), CLOCK).create(ALICE, HASH, false);
        return new DeviceStore(t.db(), CLOCK);
    }

    private static List<byte[]> storedTokenHashes(Database db) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT token_hash FROM access_tokens");
                    ResultSet r = s.executeQuery()) {
                List<byte[]> hashes = new ArrayList<>();
                while (r.next()) {
                    hashes.add(r.getBytes(1));
                }
                return hashes;
            }
        });
    }
}
