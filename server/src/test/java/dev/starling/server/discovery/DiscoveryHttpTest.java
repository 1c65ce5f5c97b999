package dev.starling.server.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starling.server.TestHomeServer;
import dev.starling.server.storage.Backend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Discovery through the whole server's route table: well-known, versions, capabilities. */
class DiscoveryHttpTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestHomeServer server;
    private static String aliceToken;

    private record Reply(int status, String body, Map<String, List<String>> headers) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String errcode() {
            return json().path("errcode").asText(null);
        }

        Optional<String> header(String name) {
            return headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name))
                    .flatMap(h -> h.getValue().stream()).findFirst();
        }
    }

    @BeforeAll
    static void start() {
        server = TestHomeServer.start(Backend.SQLITE, true, List.of());
        aliceToken = server.register("alice", "password-alice").json().path("access_token").asText();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Reply get(String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        try {
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), response.headers().map());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void wellKnownNamesTheBaseUrlWithCors() {
        Reply reply = get("/.well-known/matrix/client");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("m.homeserver").path("base_url").asText()).isEqualTo("http://example.org");
        assertThat(reply.header("Access-Control-Allow-Origin")).contains("*");
        assertThat(reply.header("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    }

    @Test
    void versionsAdvertisesTheOneListUpToV111WithAuthenticatedMedia() {
        Reply reply = get("/_matrix/client/versions");
        assertThat(reply.status()).isEqualTo(200);
        List<String> versions = new ArrayList<>();
        reply.json().path("versions").forEach(v -> versions.add(v.asText()));
        assertThat(versions).isEqualTo(SpecVersions.ADVERTISED).contains("v1.1", "v1.11").doesNotContain("v1.12");
        assertThat(reply.json().path("unstable_features").isObject()).isTrue();
    }

    @Test
    void versionsAnswersWithOrWithoutAToken() {
        assertThat(get("/_matrix/client/versions", "Authorization", "Bearer " + aliceToken)
                .status()).isEqualTo(200);
    }

    @Test
    void capabilitiesNeedsAToken() {
        assertThat(get("/_matrix/client/v3/capabilities").errcode()).isEqualTo("M_MISSING_TOKEN");
        assertThat(get("/_matrix/client/v3/capabilities", "Authorization", "Bearer nope").errcode())
                .isEqualTo("M_UNKNOWN_TOKEN");
    }

    @Test
    void capabilitiesListsTheSupportedRoomVersionsWithTwelveAsDefault() {
        Reply reply = get("/_matrix/client/v3/capabilities",
                "Authorization", "Bearer " + aliceToken);
        assertThat(reply.status()).isEqualTo(200);
        JsonNode roomVersions = reply.json().path("capabilities").path("m.room_versions");
        assertThat(roomVersions.path("default").asText()).isEqualTo("12");
        assertThat(roomVersions.path("available").path("10").asText()).isEqualTo("stable");
        assertThat(roomVersions.path("available").path("11").asText()).isEqualTo("stable");
        assertThat(roomVersions.path("available").path("12").asText()).isEqualTo("stable");
        assertThat(reply.json().path("capabilities").path("m.change_password").path("enabled").asBoolean(false)).isTrue();
    }

    @Test
    void anUnknownClientEndpointIsUnrecognized() {
        assertThat(get("/_matrix/client/v3/voip/turnServer", "Authorization", "Bearer " + aliceToken).status())
                .isEqualTo(404);
    }

    @Test
    void theBaseUrlMustBeAnAbsoluteHttpUrl() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new DiscoveryApi(URI.create("matrix.example.org")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
