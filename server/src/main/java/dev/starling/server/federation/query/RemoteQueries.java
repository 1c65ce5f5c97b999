package dev.starling.server.federation.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.RoomAlias;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.server.aliases.RemoteDirectory;
import dev.starling.server.federation.FederationClient;
import dev.starling.server.keys.RemoteKeys;
import dev.starling.server.profile.Profile;
import dev.starling.server.profile.RemoteProfiles;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of the queries: what a local client asks about another server's users or aliases goes to
 * that server, signed, through the {@link FederationClient}. Answers are checked for shape; what they say about
 * users of other servers than the one asked is ignored by the callers.
 */
public final class RemoteQueries implements RemoteKeys, RemoteProfiles, RemoteDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteQueries.class);

    private final FederationClient client;

    public RemoteQueries(FederationClient client) {
        this.client = client;
    }

    @Override
    public ObjectNode query(ServerName server, ObjectNode deviceKeys, Duration timeout) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.set("device_keys", deviceKeys);
        return client.request(server, "POST", "/_matrix/federation/v1/user/keys/query", body);
    }

    @Override
    public ObjectNode claim(ServerName server, ObjectNode oneTimeKeys, Duration timeout) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.set("one_time_keys", oneTimeKeys);
        return client.request(server, "POST", "/_matrix/federation/v1/user/keys/claim", body);
    }

    @Override
    public Optional<Profile> profile(UserId user) {
        try {
            ObjectNode answer = client.get(user.server(),
                    "/_matrix/federation/v1/query/profile?user_id=" + encode(user.value()));
            return Optional.of(new Profile(text(answer, "displayname"), text(answer, "avatar_url")));
        } catch (RuntimeException e) {
            LOG.info("remote profile not found user_id={} error={}", user, e.toString());
            return Optional.empty();
        }
    }

    @Override
    public Optional<Resolved> resolve(RoomAlias alias) {
        try {
            ObjectNode answer = client.get(alias.server(),
                    "/_matrix/federation/v1/query/directory?room_alias=" + encode(alias.value()));
            RoomId roomId = RoomId.parse(answer.path("room_id").asText());
            List<String> servers = new ArrayList<>();
            for (JsonNode server : answer.path("servers")) {
                if (server.isTextual()) {
                    servers.add(ServerName.parse(server.asText()).value());
                }
            }
            return Optional.of(new Resolved(roomId, servers));
        } catch (RuntimeException e) {
            LOG.info("remote alias not resolved room_alias={} error={}", alias, e.toString());
            return Optional.empty();
        }
    }

    private static Optional<String> text(ObjectNode answer, String field) {
        JsonNode value = answer.path(field);
        return value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }

    /** Percent-encodes a query parameter value (RFC 3986: a space is %20, not +). */
    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
