package dev.starling.server.federation.membership;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.rooms.RoomVersion;
import dev.starling.server.federation.FederationClient;
import dev.starling.server.federation.keys.KeyRing;
import dev.starling.server.rooms.MembershipFederation;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * The outbound membership requests for rooms (Server-Server API § Joining rooms, § Leaving rooms, § Inviting
 * to a room) over the signed {@link FederationClient}, and signature checks with the {@link KeyRing}. Every
 * failure to get a usable answer becomes a {@link MembershipFederation.RemoteFailure}. Thread-safe.
 */
public final class MembershipClient implements MembershipFederation {
    private final FederationClient client;
    private final EventSignatureChecks signatures;

    public MembershipClient(FederationClient client, KeyRing keyRing) {
        this.client = client;
        this.signatures = new EventSignatureChecks(keyRing);
    }

    @Override
    public ObjectNode makeJoin(ServerName server, RoomId roomId, UserId user, List<String> versions) {
        StringBuilder uri = new StringBuilder("/_matrix/federation/v1/make_join/").append(encode(roomId.value()))
                .append('/').append(encode(user.value()));
        for (int i = 0; i < versions.size(); i++) {
            uri.append(i == 0 ? '?' : '&').append("ver=").append(encode(versions.get(i)));
        }
        return call(server, () -> client.get(server, uri.toString()));
    }

    @Override
    public ObjectNode sendJoin(ServerName server, RoomId roomId, EventId eventId, ObjectNode event) {
        return call(server, () -> client.request(server, "PUT", "/_matrix/federation/v2/send_join/"
                + encode(roomId.value()) + "/" + encode(eventId.value()), event));
    }

    @Override
    public ObjectNode makeLeave(ServerName server, RoomId roomId, UserId user) {
        return call(server, () -> client.get(server, "/_matrix/federation/v1/make_leave/" + encode(roomId.value())
                + "/" + encode(user.value())));
    }

    @Override
    public ObjectNode sendLeave(ServerName server, RoomId roomId, EventId eventId, ObjectNode event) {
        return call(server, () -> client.request(server, "PUT", "/_matrix/federation/v2/send_leave/"
                + encode(roomId.value()) + "/" + encode(eventId.value()), event));
    }

    @Override
    public ObjectNode invite(ServerName server, RoomId roomId, EventId eventId, ObjectNode body) {
        return call(server, () -> client.request(server, "PUT", "/_matrix/federation/v2/invite/"
                + encode(roomId.value()) + "/" + encode(eventId.value()), body));
    }

    @Override
    public void verifySignatures(List<ObjectNode> events, RoomVersion version) {
        signatures.verifyAll(events, version);
    }

    @Override
    public void verifySignedBy(ObjectNode event, RoomVersion version, ServerName server) {
        signatures.verify(event, version, server);
    }

    private static ObjectNode call(ServerName server, Supplier<ObjectNode> request) {
        try {
            return request.get();
        } catch (FederationClient.RemoteError e) {
            throw new RemoteFailure(e.getMessage(), e.status(), e.errcode());
        } catch (RuntimeException e) {
            throw new RemoteFailure(server + " gave no usable answer: " + e.getMessage(), 0, null);
        }
    }

    /** A path segment, percent-encoded ({@code !}, {@code :}, {@code $}, {@code @} included). */
    static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
