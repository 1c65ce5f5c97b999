package dev.starling.server.rooms;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.RoomId;
import dev.starling.server.http.AuthenticatedDevice;
import dev.starling.server.http.MatrixException;
import dev.starling.server.http.MatrixRequest;
import dev.starling.server.http.MatrixResponse;
import dev.starling.server.storage.Database;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET /rooms/{roomId}/context/{eventId}}: an event with the events around it and the room state at
 * the last one returned. The event must be one the user may see: an event of another room, one hidden by
 * history visibility, a forgotten room's and a missing one all answer the same 404 (SECURITY.md item 23).
 * Tokens are /messages tokens: {@code start} pages backwards from the oldest event returned, {@code end}
 * forwards from the newest. The filter's event criteria apply to the neighbours; of the state, as in Synapse,
 * only {@code lazy_load_members} changes anything (the members of the returned events' senders).
 */
public final class ContextApi {
    static final int DEFAULT_LIMIT = 10;
    static final int MAX_LIMIT = 100;

    private final Database db;

    ContextApi(Database db) {
        this.db = db;
    }

    /** GET /_matrix/client/v3/rooms/{roomId}/context/{eventId} — Client-Server API § Room events, context. */
    public MatrixResponse context(MatrixRequest request) {
        AuthenticatedDevice device = request.requireDevice();
        RoomId roomId = RoomsApi.roomId(request);
        EventId eventId = request.pathParam("eventId", EventId::parse);
        int limit = Math.min(MessagesApi.limit(request, DEFAULT_LIMIT), MAX_LIMIT);
        RoomEventFilter filter = request.queryParam("filter").map(RoomEventFilter::parseParameter)
                .orElse(RoomEventFilter.NONE);
        var user = device.userId();
        ObjectNode body = db.read(c -> {
            Optional<StoredEvent> found = EventStore.event(c, eventId.value())
                    .filter(e -> e.pdu().roomId().equals(roomId) && e.streamOrdering() > 0); // not hidden (V11)
            if (found.isEmpty() || Forgetting.forgotten(c, user, roomId)
                    || !RoomStream.visible(c, user, roomId, found.get())) {
                throw MatrixException.notFound("event not found");
            }
            StoredEvent event = found.get();
            Scan.Keep keep = e -> filter.matches(e.pdu()) && RoomStream.visible(c, user, roomId, e);
            int wantBefore = limit / 2;
            List<StoredEvent> before = wantBefore == 0 ? List.of()
                    : Scan.of(c, roomId, 0, event.streamOrdering() - 1, true, wantBefore, keep).events();
            List<StoredEvent> after = limit - wantBefore == 0 ? List.of()
                    : Scan.of(c, roomId, event.streamOrdering(), StreamStore.position(c), false, limit - wantBefore,
                            keep).events();
            ServedEvents.Viewer viewer = ServedEvents.Viewer.of(user, device.deviceId());
            ObjectNode out = RoomsApi.object();
            out.set("event", ServedEvents.one(c, viewer, event.pdu(), true));
            out.putArray("events_before").addAll(ServedEvents.of(c, viewer, pdus(before), true));
            out.putArray("events_after").addAll(ServedEvents.of(c, viewer, pdus(after), true));
            out.put("start", new StreamToken(Math.max(0, (before.isEmpty() ? event
                    : before.get(before.size() - 1)).streamOrdering() - 1)).toString());
            StoredEvent last = after.isEmpty() ? event : after.get(after.size() - 1);
            out.put("end", new StreamToken(last.streamOrdering()).toString());
            Map<StateKey, String> ids = StateGroups.load(c, last.stateGroup());
            List<Pdu> state = new ArrayList<>(EventStore.pdus(c, ids.values()).values());
            if (filter.lazyLoadMembers()) {
                List<StoredEvent> all = new ArrayList<>(before);
                all.add(event);
                all.addAll(after);
                Set<String> senders = RoomStream.senders(all);
                state.removeIf(e -> !LazyMembers.keep(e, senders));
            }
            state.sort(java.util.Comparator.comparing(Pdu::stateTuple));
            out.putArray("state").addAll(ServedEvents.of(c, viewer, state, false));
            return out;
        });
        return MatrixResponse.ok(body);
    }

    private static List<Pdu> pdus(List<StoredEvent> events) {
        return events.stream().map(StoredEvent::pdu).toList();
    }
}
