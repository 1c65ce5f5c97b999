package dev.starling.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.rooms.RoomVersion;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Every failure becomes {@code {errcode, error}} with the right status, in one place. */
class ErrorMappingHttpTest {
    private static final String SECRET = "db password hunter2 at jdbc:postgresql://10.0.0.5";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(List.of(
                Route.get("/forbidden", r -> {
                    throw MatrixException.forbidden("you are not invited");
                }).access(Access.PUBLIC),
                Route.get("/incompatible", r -> {
                    throw new MatrixException(ErrorCode.M_INCOMPATIBLE_ROOM_VERSION, "unsupported room version")
                            .withField("room_version", "9");
                }).access(Access.PUBLIC),
                Route.get("/custom-status", r -> {
                    throw new MatrixException(ErrorCode.M_UNKNOWN, "bad gateway").withStatus(502);
                }).access(Access.PUBLIC),
                Route.get("/bug", r -> {
                    throw new IllegalStateException(SECRET);
                }).access(Access.PUBLIC),
                Route.put("/bug-with-body", r -> {
                    r.jsonBody();
                    throw new IllegalStateException("boom");
                }).access(Access.OPTIONAL),
                Route.get("/checked", r -> {
                    throw new IOException(SECRET);
                }).access(Access.PUBLIC),
                Route.get("/users/{userId}", r -> MatrixResponse.ok(java.util.Map.of(
                        "localpart", r.pathParam("userId", UserId::parse).localpart()))).access(Access.PUBLIC),
                Route.get("/room-version/{version}", r -> MatrixResponse.ok(java.util.Map.of(
                        "id", RoomVersion.fromId(r.pathParam("version")).id()))).access(Access.PUBLIC)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aMatrixExceptionIsAnsweredWithItsCodeAndStatus() {
        TestServer.Reply reply = server.get("/forbidden");
        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.errcode()).isEqualTo("M_FORBIDDEN");
        assertThat(reply.json().path("error").asText()).isEqualTo("you are not invited");
    }

    @Test
    void extraFieldsAndAnotherStatusAreKept() {
        TestServer.Reply reply = server.get("/incompatible");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().path("room_version").asText()).isEqualTo("9");
        assertThat(server.get("/custom-status").status()).isEqualTo(502);
    }

    @Test
    void anUnexpectedExceptionIs500UnknownWithoutItsMessage() {
        for (String path : List.of("/bug", "/checked")) {
            TestServer.Reply reply = server.get(path);
            assertThat(reply.status()).as(path).isEqualTo(500);
            assertThat(reply.errcode()).isEqualTo("M_UNKNOWN");
            assertThat(reply.body()).doesNotContain("hunter2").doesNotContain("10.0.0.5")
                    .doesNotContain("Exception");
            assertThat(reply.json().path("error").asText()).matches("internal server error \\(reference [0-9a-f-]{36}\\)");
            RoutingHttpTest.assertCors(reply);
        }
    }

    @Test
    void theLogOfA500NamesTheRouteAndReferenceButNeverTheTokenOrBody() {
        Logger logger = (Logger) LoggerFactory.getLogger(ErrorMapper.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            TestServer.Reply reply = server.send("PUT", "/bug-with-body?access_token=" + TestServer.ALICE_TOKEN,
                    "{\"password\":\"correct horse\"}");
            assertThat(reply.status()).isEqualTo(500);
            String reference = reply.json().path("error").asText().replaceAll(".*reference ([0-9a-f-]+).*", "$1");
            assertThat(appender.list).hasSize(1);
            ILoggingEvent event = appender.list.get(0);
            String logged = event.getFormattedMessage() + " " + event.getThrowableProxy().getMessage();
            assertThat(logged).contains("PUT /bug-with-body").contains(reference)
                    .doesNotContain(TestServer.ALICE_TOKEN).doesNotContain("access_token").doesNotContain("correct horse");
        } finally {
            logger.detachAppender(appender);
        }
    }

    @Test
    void anInvalidIdentifierIsInvalidParam() {
        TestServer.Reply reply = server.get("/users/not-a-user-id");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.errcode()).isEqualTo("M_INVALID_PARAM");
        assertThat(server.get("/users/%40alice%3Aexample.org").json().path("localpart").asText()).isEqualTo("alice");
    }

    @Test
    void anUnsupportedRoomVersionIsUnsupportedRoomVersion() {
        TestServer.Reply reply = server.get("/room-version/1");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.errcode()).isEqualTo("M_UNSUPPORTED_ROOM_VERSION");
    }
}
