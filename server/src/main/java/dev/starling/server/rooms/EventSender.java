package dev.starling.server.rooms;

import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.RoomId;
import dev.starling.server.http.MatrixException;
import dev.starling.server.storage.Database;
import dev.starling.server.storage.SqlWork;
import java.time.Clock;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.id.UserId;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The local event pipeline for one event: under the room's lock, load the draft (the state the event's auth
 * needs, the extremities), build, sign and authorise the event, persist it in one transaction, and only then
 * return its ID. A refusal at any step stores nothing. Thread-safe.
 */
final class EventSender {
    private final Database db;
    private final EventBuilder builder;
    private final RoomLocks locks;
    private final Clock clock;
    private final RoomEventListener listener;

    EventSender(Database db, EventBuilder builder, RoomLocks locks, Clock clock, RoomEventListener listener) {
        this.db = db;
        this.builder = builder;
        this.locks = locks;
        this.clock = clock;
        this.listener = listener;
    }

    /**
     * Sends one event into a stored room; with a transaction ID, a repeat of the same transaction answers
     * the first event's ID and sends nothing.
     *
     * @param unknownRoom the error for a room this server does not have
     */
    EventId send(RoomId roomId, EventBuilder.Request request, Optional<TxnKey> txn,
            Supplier<MatrixException> unknownRoom) {
        if (txn.isPresent() && !txn.get().room().equals(roomId)) {
            throw new IllegalArgumentException("the transaction is scoped to another room");
        }
        return locks.withLock(roomId, () -> {
            if (txn.isPresent()) {
                Optional<EventId> earlier = db.read(c -> EventStore.txnEvent(c, txn.get()));
                if (earlier.isPresent()) {
                    return earlier.get();
                }
            }
            boolean redaction = EventTypes.REDACTION.equals(request.type()) && request.stateKey() == null;
            List<Optional<Pdu>> redacted = new java.util.ArrayList<>(1);
            RoomDraft draft = db.read(c -> {
                RoomStore.RoomInfo room = RoomStore.room(c, roomId).orElseThrow(unknownRoom);
                RoomDraft loaded = RoomStore.draft(c, room, request.authKeys(room.version()));
                if (redaction) {
                    redacted.add(Redactions.check(c, loaded, request));
                }
                EventIndexes.checkThread(c, roomId, request);
                return loaded;
            });
            Pdu event = builder.build(draft, request);
            if (redaction) {
                Redactions.checkBuilt(event, redacted.get(0), draft.state());
            }
            db.inTransaction(c -> {
                EventStore.persist(c, draft, List.of(event), txn, clock.millis());
                return null;
            });
            tell(roomId, List.of(event));
            return event.eventId();
        });
    }

    /** Persists the events of a new room, built in order on {@code draft} from an empty room, in one transaction. */
    void persistNewRoom(RoomDraft emptyRoom, List<Pdu> events) {
        persistNewRoom(emptyRoom, events, c -> null);
    }

    /** As {@link #persistNewRoom(RoomDraft, List)}, doing {@code alsoInTransaction} in the same transaction. */
    void persistNewRoom(RoomDraft emptyRoom, List<Pdu> events, SqlWork<Void> alsoInTransaction) {
        RoomId roomId = events.get(0).roomId();
        locks.withLock(roomId, () -> {
            db.inTransaction(c -> {
                EventStore.persist(c, emptyRoom, events, Optional.empty(), clock.millis());
                alsoInTransaction.run(c);
                return null;
            });
            tell(roomId, events);
            return null;
        });
    }

    /** After commit: the listener learns the room and the targets of its member events. */
    private void tell(RoomId roomId, List<Pdu> events) {
        Set<UserId> users = new HashSet<>();
        for (Pdu event : events) {
            if (event.type().equals(EventTypes.MEMBER)) {
                event.stateKey().ifPresent(key -> users.add(UserId.parse(key)));
            }
        }
        listener.committed(roomId, users, events.size());
    }

    EventBuilder builder() {
        return builder;
    }
}
