package dev.starling.server.rooms;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.UserId;
import dev.starling.server.http.AuthenticatedDevice;
import dev.starling.server.http.MatrixException;
import dev.starling.server.http.MatrixRequest;
import dev.starling.server.http.MatrixResponse;
import dev.starling.server.storage.Database;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The relationships API (Client-Server API § Relationships API) and the thread list (§ Threading). Children
 * come from the {@code event_relations} index ({@link EventIndexes}); each passes history visibility, and a
 * parent the user may not see answers exactly like a missing one (404, SECURITY.md item 23). Tokens are
 * stream positions ({@link StreamToken}).
 */
public final class RelationsApi {
    static final int DEFAULT_LIMIT = 5;
    static final int MAX_LIMIT = 100;
    /** "Homeservers SHOULD traverse at least 3 levels of relationships." */
    static final int RECURSION_DEPTH = 3;

    private final Database db;

    RelationsApi(Database db) {
        this.db = db;
    }

    /**
     * GET /_matrix/client/v1/rooms/{roomId}/relations/{eventId}[/{relType}[/{eventType}]] — Client-Server
     * API § Relationships API.
     */
    public MatrixResponse relations(MatrixRequest request) {
        AuthenticatedDevice device = request.requireDevice();
        UserId user = device.userId();
        RoomId roomId = RoomsApi.roomId(request);
        EventId parent = request.pathParam("eventId", EventId::parse);
        Optional<String> relType = Optional.ofNullable(request.pathParams().get("relType"));
        Optional<String> eventType = Optional.ofNullable(request.pathParams().get("eventType"));
        boolean backwards = direction(request);
        Optional<StreamToken> from = request.queryParam("from").map(t -> StreamToken.parse("from", t));
        Optional<StreamToken> to = request.queryParam("to").map(t -> StreamToken.parse("to", t));
        int limit = Math.max(1, Math.min(MessagesApi.limit(request, DEFAULT_LIMIT), MAX_LIMIT));
        Optional<Boolean> recurse = request.queryParam("recurse").map(value -> switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw MatrixException.invalidParam("recurse", "must be true or false");
        });
        ObjectNode body = db.read(c -> {
            Optional<StoredEvent> found = EventStore.event(c, parent.value())
                    .filter(e -> e.pdu().roomId().equals(roomId));
            if (found.isEmpty() || Forgetting.forgotten(c, user, roomId)
                    || !RoomStream.visible(c, user, roomId, found.get())) {
                throw MatrixException.notFound("event not found");
            }
            int depth = recurse.orElse(false) ? RECURSION_DEPTH : 1;
            List<RelationStore.Child> children = RelationStore.descendants(c, roomId, parent.value(), relType,
                    eventType, depth);
            long low = backwards ? to.map(StreamToken::position).orElse(0L) : from.map(StreamToken::position).orElse(0L);
            long high = backwards ? from.map(StreamToken::position).orElse(Long.MAX_VALUE)
                    : to.map(StreamToken::position).orElse(Long.MAX_VALUE);
            List<RelationStore.Child> range = new ArrayList<>(children.stream()
                    .filter(child -> child.ordering() > low && child.ordering() <= high).toList());
            if (backwards) {
                java.util.Collections.reverse(range);
            }
            Map<String, StoredEvent> events = EventStore.storedEvents(c,
                    range.stream().map(RelationStore.Child::eventId).toList());
            List<Pdu> page = new ArrayList<>();
            long last = -1;
            boolean more = false;
            for (RelationStore.Child child : range) {
                StoredEvent event = events.get(child.eventId());
                if (event == null || !RoomStream.visible(c, user, roomId, event)) {
                    continue;
                }
                if (page.size() == limit) {
                    more = true;
                    break;
                }
                page.add(event.pdu());
                last = child.ordering();
            }
            ObjectNode out = RoomsApi.object();
            out.putArray("chunk").addAll(ServedEvents.of(c, ServedEvents.Viewer.of(user, device.deviceId()), page,
                    true));
            if (more) {
                out.put("next_batch", new StreamToken(backwards ? last - 1 : last).toString());
            }
            from.ifPresent(token -> out.put("prev_batch", token.toString()));
            if (recurse.isPresent()) {
                out.put("recursion_depth", depth);
            }
            return out;
        });
        return MatrixResponse.ok(body);
    }

    /** GET /_matrix/client/v1/rooms/{roomId}/threads — Client-Server API § Threading, the thread list. */
    public MatrixResponse threads(MatrixRequest request) {
        AuthenticatedDevice device = request.requireDevice();
        UserId user = device.userId();
        RoomId roomId = RoomsApi.roomId(request);
        String include = request.queryParam("include").orElse("all");
        if (!include.equals("all") && !include.equals("participated")) {
            throw MatrixException.invalidParam("include", "must be all or participated");
        }
        Optional<StreamToken> from = request.queryParam("from").map(t -> StreamToken.parse("from", t));
        int limit = Math.max(1, Math.min(MessagesApi.limit(request, DEFAULT_LIMIT), MAX_LIMIT));
        ObjectNode body = db.read(c -> {
            if (RoomStore.membership(c, roomId, user).isEmpty() || Forgetting.forgotten(c, user, roomId)) {
                throw Membership.notInRoom(roomId);
            }
            List<Pdu> page = new ArrayList<>();
            long position = from.map(StreamToken::position).orElse(Long.MAX_VALUE);
            Optional<StreamToken> next = Optional.empty();
            while (page.size() <= limit) {
                List<RelationStore.Thread> roots = RelationStore.threads(c, roomId, position,
                        include.equals("participated") ? Optional.of(user) : Optional.empty(), limit + 1);
                Map<String, StoredEvent> events = EventStore.storedEvents(c,
                        roots.stream().map(RelationStore.Thread::rootId).toList());
                for (RelationStore.Thread root : roots) {
                    position = root.latest() - 1;
                    StoredEvent event = events.get(root.rootId());
                    if (event == null || !RoomStream.visible(c, user, roomId, event)) {
                        continue;
                    }
                    if (page.size() == limit) {
                        next = Optional.of(new StreamToken(root.latest()));
                        break;
                    }
                    page.add(event.pdu());
                }
                if (next.isPresent() || roots.size() <= limit) {
                    break;
                }
            }
            ObjectNode out = RoomsApi.object();
            out.putArray("chunk").addAll(ServedEvents.of(c, ServedEvents.Viewer.of(user, device.deviceId()), page,
                    true));
            next.ifPresent(token -> out.put("next_batch", token.toString()));
            return out;
        });
        return MatrixResponse.ok(body);
    }

    private static boolean direction(MatrixRequest request) {
        String dir = request.queryParam("dir").orElse("b");
        if (!dir.equals("b") && !dir.equals("f")) {
            throw MatrixException.invalidParam("dir", "must be b or f");
        }
        return dir.equals("b");
    }
}
