package dev.starling.server.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.id.ServerName;
import dev.starling.server.ClientServerRoutes;
import dev.starling.server.http.HttpServerConfig;
import dev.starling.server.http.TestServer;
import dev.starling.server.rooms.Rooms;
import dev.starling.server.storage.Database;
import dev.starling.server.storage.DatabaseConfig;
import dev.starling.server.users.Accounts;
import dev.starling.server.users.AccountsApi;
import dev.starling.server.users.DeviceStore;
import dev.starling.server.users.PasswordHasher;
import dev.starling.server.users.UserStore;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery through the real route table: well-known, versions, capabilities. */
class DiscoveryHttpTest {
    private static TestServer server;
    private static Database database;

    @BeforeAll
    static void start(@TempDir Path dir) {
        database = Database.open(DatabaseConfig.sqlite(dir));
        SecureRandom random = new SecureRandom();
        Accounts accounts = new Accounts(ServerName.parse("example.org"), new UserStore(database, Clock.systemUTC()),
                new DeviceStore(database, Clock.systemUTC()), new PasswordHasher(new PasswordHasher.Cost(64, 1, 1), random),
                random);
        AccountsApi accountsApi = new AccountsApi(accounts, new AccountsApi.RegistrationPolicy(false, List.of()),
                Clock.systemUTC(), random);
        Rooms rooms = new Rooms(ServerName.parse("example.org"),
                SigningKey.generate(KeyId.ed25519("test"), random), database, Clock.systemUTC(), random, user -> false);
        server = TestServer.start(HttpServerConfig.ephemeral(), TestServer.AUTHENTICATOR,
                ClientServerRoutes.router(new DiscoveryApi(URI.create("https://matrix.example.org")), accountsApi,
                        rooms.api(), rooms.membershipApi(), rooms.messagesApi(),
                        new dev.starling.server.sync.SyncApi(rooms.stream(), new dev.starling.server.sync.Notifier()),
                        rooms.redactionsApi(), rooms.contextApi(), rooms.relationsApi())
                        .routes());
    }

    @AfterAll
    static void stop() {
        server.close();
        database.close();
    }

    @Test
    void wellKnownNamesTheBaseUrlWithCors() {
        TestServer.Reply reply = server.get("/.well-known/matrix/client");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("m.homeserver").path("base_url").asText()).isEqualTo("https://matrix.example.org");
        assertThat(reply.header("Access-Control-Allow-Origin")).contains("*");
        assertThat(reply.header("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    }

    @Test
    void versionsAdvertisesTheOneListAndNothingFromV111On() {
        TestServer.Reply reply = server.get("/_matrix/client/versions");
        assertThat(reply.status()).isEqualTo(200);
        List<String> versions = new ArrayList<>();
        reply.json().path("versions").forEach(v -> versions.add(v.asText()));
        assertThat(versions).isEqualTo(SpecVersions.ADVERTISED).contains("v1.1").doesNotContain("v1.11", "v1.12");
        assertThat(reply.json().path("unstable_features").isObject()).isTrue();
    }

    @Test
    void versionsAnswersWithOrWithoutAToken() {
        assertThat(server.get("/_matrix/client/versions", "Authorization", "Bearer " + TestServer.ALICE_TOKEN)
                .status()).isEqualTo(200);
    }

    @Test
    void capabilitiesNeedsAToken() {
        assertThat(server.get("/_matrix/client/v3/capabilities").errcode()).isEqualTo("M_MISSING_TOKEN");
        assertThat(server.get("/_matrix/client/v3/capabilities", "Authorization", "Bearer nope").errcode())
                .isEqualTo("M_UNKNOWN_TOKEN");
    }

    @Test
    void capabilitiesListsTheSupportedRoomVersionsWithTwelveAsDefault() {
        TestServer.Reply reply = server.get("/_matrix/client/v3/capabilities",
                "Authorization", "Bearer " + TestServer.ALICE_TOKEN);
        assertThat(reply.status()).isEqualTo(200);
        JsonNode roomVersions = reply.json().path("capabilities").path("m.room_versions");
        assertThat(roomVersions.path("default").asText()).isEqualTo("12");
        assertThat(roomVersions.path("available").path("10").asText()).isEqualTo("stable");
        assertThat(roomVersions.path("available").path("11").asText()).isEqualTo("stable");
        assertThat(roomVersions.path("available").path("12").asText()).isEqualTo("stable");
        assertThat(reply.json().path("capabilities").path("m.change_password").path("enabled").asBoolean(true)).isFalse();
    }

    @Test
    void anUnknownClientEndpointIsUnrecognized() {
        assertThat(server.get("/_matrix/client/v3/voip/turnServer", "Authorization", "Bearer " + TestServer.ALICE_TOKEN).status())
                .isEqualTo(404);
    }

    @Test
    void theBaseUrlMustBeAnAbsoluteHttpUrl() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new DiscoveryApi(URI.create("matrix.example.org")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
