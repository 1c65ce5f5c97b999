package dev.starling.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.starling.server.TestHomeServer;
import dev.starling.server.TestHomeServer.Reply;
import dev.starling.server.config.ServerConfig;
import dev.starling.server.rooms.RoomClient;
import dev.starling.server.storage.Backend;
import dev.starling.server.storage.OnEveryDatabase;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * The server's logs, at every level our code logs at, never hold an access token, a password or message content
 * (SECURITY.md item 24, STYLE.md habit 9): captured while users register, log in (right and wrong), send
 * messages and state, sync, fail requests and pass a token in the query string.
 */
class LogSecrecyTest {
    private static final String PASSWORD = "Pa55-word-never-logged";
    private static final String WRONG_PASSWORD = "wrong-Pa55-never-logged";
    private static final String MESSAGE = "message-plaintext-never-logged";
    private static final String TOPIC = "topic-plaintext-never-logged";

    @OnEveryDatabase
    void tokensPasswordsAndContentNeverReachTheLogs(Backend backend) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger ours = context.getLogger("dev.starling");
        Level previous = ours.getLevel();
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.setContext(context);
        captured.start();
        root.addAppender(captured);
        ours.setLevel(Level.TRACE);
        List<String> secrets;
        try (TestHomeServer server = TestHomeServer.start(backend, true, List.of("reg-token-never-logged"),
                new ServerConfig.Metrics(true, "127.0.0.1", 0))) {
            Reply registered = server.register("alice", PASSWORD);
            String token = registered.json().path("access_token").asText();
            Reply login = server.post("/_matrix/client/v3/login", "{\"type\":\"m.login.password\",\"user\":\"alice\","
                    + "\"password\":\"" + PASSWORD + "\"}", null);
            String second = login.json().path("access_token").asText();
            server.post("/_matrix/client/v3/login", "{\"type\":\"m.login.password\",\"user\":\"alice\","
                    + "\"password\":\"" + WRONG_PASSWORD + "\"}", null);
            String roomId = RoomClient.createRoom(server, token, "{\"name\":\"" + TOPIC + "-name\"}");
            assertThat(RoomClient.message(server, token, roomId, "t1", MESSAGE).status()).isEqualTo(200);
            server.put(RoomClient.room(roomId) + "/state/m.room.topic/", "{\"topic\":\"" + TOPIC + "\"}", token);
            server.get("/_matrix/client/v3/sync?timeout=0", token);
            server.get("/_matrix/client/v3/account/whoami?access_token=" + second, null);
            server.get("/_matrix/client/v3/account/whoami?access_token=stt_unknown-token-never-logged", null);
            server.put(RoomClient.room(roomId) + "/send/m.room.message/t2", "{\"body\":\"" + MESSAGE + "\"", token);
            server.post("/_matrix/client/v3/register", "{\"username\":\"bob\",\"password\":\"" + PASSWORD + "\","
                    + "\"auth\":{\"type\":\"m.login.registration_token\",\"token\":\"reg-token-never-logged\"}}", null);
            server.post("/_matrix/client/v3/logout", "{}", token);
            secrets = List.of(token, second, PASSWORD, WRONG_PASSWORD, MESSAGE, TOPIC, "stt_unknown-token-never-logged",
                    "reg-token-never-logged");
        } finally {
            root.detachAppender(captured);
            ours.setLevel(previous);
        }
        String logs = captured.list.stream().map(LogSecrecyTest::render).collect(Collectors.joining("\n"));
        assertThat(captured.list).as("the test captured the server's logs").isNotEmpty();
        assertThat(logs).contains("homeserver started");
        for (String secret : secrets) {
            assertThat(logs).as("logs must not contain a secret or content").doesNotContain(secret);
        }
        assertThat(logs).doesNotContain("stt_");
    }

    private static String render(ILoggingEvent event) {
        String text = event.getLoggerName() + " " + event.getFormattedMessage();
        if (event.getThrowableProxy() != null) {
            text += "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy());
        }
        return text;
    }
}
