package dev.starling.server.federation;

import static dev.starling.server.federation.InteropUser.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.id.KeyId;
import dev.starling.protocol.id.ServerName;
import dev.starling.server.HomeServer;
import dev.starling.server.config.ServerConfig;
import dev.starling.server.http.Rate;
import dev.starling.server.http.RateLimit;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.TestDatabase;
import dev.starling.server.users.PasswordHasher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 4 acceptance 4: Starling federating with Synapse (the reference homeserver, from PyPI through
 * {@code scripts/synapse.sh}) over HTTPS with a throwaway CA on loopback. A Starling user and a Synapse user share
 * a room created on either side; messages, the topic and membership (invite, join, leave) flow both ways, each
 * checked through the other server's Client-Server API. Skipped, with the reason, when Synapse is not installed
 * (PyPI unreachable): run {@code scripts/synapse.sh} and this test on demand.
 */
class SynapseInteropTest {
    /** Power levels letting every member set the topic (private_chat gives the invitee level 0). */
    private static final String TOPIC_FOR_ALL = "{\"events\":{\"m.room.topic\":0}}";

    @TempDir
    static Path dir;
    private static TestDatabase database;
    private static HomeServer starling;
    private static String starlingName;
    private static String starlingUrl;
    private static SynapseServer synapse;

    @BeforeAll
    static void start() throws Exception {
        Optional<Path> python = SynapseServer.python();
        if (python.isEmpty()) {
            return; // each test is skipped, with the reason (an aborted @BeforeAll would show as no tests at all)
        }
        TestCa ca = TestCa.create(Files.createDirectories(dir.resolve("ca")));
        synapse = SynapseServer.start(python.get(), Files.createDirectories(dir.resolve("synapse")), ca);

        database = Backend.SQLITE.create();
        database.handOver();
        int port = FederatingServer.freePort();
        int tlsPort = FederatingServer.freePort();
        ServerName name = ServerName.parse("127.0.0.1:" + tlsPort);
        starlingName = name.value();
        starlingUrl = "http://127.0.0.1:" + port;
        FederationConfig federation = FederationConfig.loopbackForTests().withHttps()
                .withTrustStore(ca.trustStore(), ca.trustStorePassword())
                .withTls(new FederationConfig.TlsListener(tlsPort, ca.certificate(), ca.privateKey()));
        ServerConfig config = new ServerConfig(name, Files.createDirectories(dir.resolve("starling")), "127.0.0.1",
                port, starlingUrl, true, List.of(), new ServerConfig.Database(ServerConfig.Database.Kind.SQLITE, "",
                        "", ""), ServerConfig.DEFAULT_MAX_UPLOAD_SIZE, ServerConfig.Metrics.disabled(), federation);
        Map<RateLimit, Rate> generous = new EnumMap<>(RateLimit.class);
        for (RateLimit limit : RateLimit.values()) {
            generous.put(limit, new Rate(1000, 1000));
        }
        starling = HomeServer.start(config, database.config(),
                new HomeServer.Tuning(new PasswordHasher.Cost(64, 1, 1), generous),
                SigningKey.generate(KeyId.ed25519("k" + tlsPort)));
    }

    @BeforeEach
    void requireSynapse() {
        Assumptions.assumeTrue(synapse != null, "Synapse is not installed (scripts/synapse.sh installs it from PyPI, "
                + "which may be unreachable here): SynapseInteropTest skipped; run scripts/synapse.sh, then this test");
    }

    @AfterAll
    static void stop() {
        try {
            if (starling != null) {
                starling.close();
            }
            if (database != null) {
                database.close();
            }
        } finally {
            if (synapse != null) {
                synapse.close();
            }
        }
    }

    @ParameterizedTest(name = "room version {0}")
    @ValueSource(strings = {"10", "11", "12"})
    void roomCreatedOnStarlingCarriesMessagesStateAndMembershipBothWays(String version) throws Exception {
        InteropUser alice = InteropUser.register(starlingUrl, "alice-s" + version);
        InteropUser bob = InteropUser.register(synapse.clientUrl(), "bob-s" + version);
        String roomId = alice.createRoom("{\"room_version\":\"" + version + "\",\"preset\":\"private_chat\","
                + "\"name\":\"made on Starling\",\"power_level_content_override\":"
                + TOPIC_FOR_ALL + "}");

        alice.invite(roomId, bob.userId());
        await("Synapse shows bob the invite from Starling", bob, u -> u.invitedTo(roomId));
        bob.join(roomId, starlingName);
        await("Starling sees bob join", alice, u -> "join".equals(u.membership(roomId, bob.userId())));

        exchangeMessagesAndTopics(roomId, alice, bob);

        bob.leave(roomId);
        await("Starling sees bob leave", alice, u -> "leave".equals(u.membership(roomId, bob.userId())));
        // The invite's invite_room_state holds full PDUs (spec v1.16, MSC4311), which Synapse validates.
        assertThat(Files.readString(synapse.log())).doesNotContain("failed to validate `invite_room_state`");
    }

    @ParameterizedTest(name = "room version {0}")
    @ValueSource(strings = {"10", "11", "12"})
    void roomCreatedOnSynapseCarriesMessagesStateAndMembershipBothWays(String version) {
        InteropUser alice = InteropUser.register(starlingUrl, "alice-y" + version);
        InteropUser bob = InteropUser.register(synapse.clientUrl(), "bob-y" + version);
        String roomId = bob.createRoom("{\"room_version\":\"" + version + "\",\"preset\":\"private_chat\","
                + "\"name\":\"made on Synapse\",\"power_level_content_override\":"
                + TOPIC_FOR_ALL + "}");

        bob.invite(roomId, alice.userId());
        await("Starling shows alice the invite from Synapse", alice, u -> u.invitedTo(roomId));
        alice.join(roomId, synapse.serverName());
        await("Synapse sees alice join", bob, u -> "join".equals(u.membership(roomId, alice.userId())));

        exchangeMessagesAndTopics(roomId, bob, alice);

        alice.leave(roomId);
        await("Synapse sees alice leave", bob, u -> "leave".equals(u.membership(roomId, alice.userId())));
    }

    @Test
    void anEncryptedRoomAcrossWorksWithMatrixNio() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isExecutable(python) && new ProcessBuilder(python.toString(), "-c",
                "import nio, olm").start().waitFor() == 0, "matrix-nio with libolm is not installed (scripts/clients.sh)");
        Path script = Path.of("src", "test", "clients", "nio", "federated_e2ee.py").toAbsolutePath();
        Process process = new ProcessBuilder(python.toString(), script.toString(), starlingUrl, synapse.clientUrl())
                .directory(script.getParent().toFile()).redirectError(dir.resolve("nio.log").toFile()).start();
        String stdout = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor(180, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        String describe = stdout + "\nstderr:\n" + Files.readString(dir.resolve("nio.log"));
        com.fasterxml.jackson.databind.JsonNode report = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                stdout);
        assertThat(report.path("failures")).as(describe).isEmpty();
        assertThat(process.exitValue()).as(describe).isZero();
        assertThat(report.path("steps").path("messages decrypted").path("count").asInt()).as(describe).isEqualTo(6);
    }

    /** Both joined: a message and a topic from each side reach the other. */
    private static void exchangeMessagesAndTopics(String roomId, InteropUser creator, InteropUser joiner) {
        creator.send(roomId, "hello from the creator's server");
        await("the joiner's server has the creator's message", joiner,
                u -> u.seesMessage(roomId, "hello from the creator's server"));
        joiner.send(roomId, "hello back from the joiner's server");
        await("the creator's server has the joiner's message", creator,
                u -> u.seesMessage(roomId, "hello back from the joiner's server"));

        creator.setTopic(roomId, "topic set by the creator");
        await("the joiner's server has the creator's topic", joiner,
                u -> "topic set by the creator".equals(u.topic(roomId)));
        joiner.setTopic(roomId, "topic set by the joiner");
        await("the creator's server has the joiner's topic", creator,
                u -> "topic set by the joiner".equals(u.topic(roomId)));
        assertThat(joiner.topic(roomId)).isEqualTo("topic set by the joiner");
    }
}
