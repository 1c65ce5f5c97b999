package dev.starling.server.rooms;

import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.RoomId;
import dev.starling.server.http.MatrixException;
import dev.starling.server.storage.Database;
import dev.starling.server.storage.SqlWork;
import dev.starling.server.storage.StorageException;
import dev.starling.protocol.events.StateKey;
import java.util.ArrayList;
import java.time.Clock;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.id.UserId;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The local event pipeline for one event: under the room's lock, take the room's tip (the state the event's
 * auth needs, the extremities; {@link RoomTip}), build, sign and authorise the event and queue its
 * transaction; after the lock, wait for the commit, and only then return its ID. A refusal at any step
 * stores nothing. Thread-safe.
 */
final class EventSender {
    private final Database db;
    private final EventBuilder builder;
    private final RoomLocks locks;
    private final Clock clock;
    private final RoomEventListener listener;
    /** The /sync windows the writer extends with each committed send (see {@link EventWindows#committed}). */
    private final EventWindows windows;
    private final KnownTxns knownTxns = new KnownTxns();

    EventSender(Database db, EventBuilder builder, RoomLocks locks, Clock clock, RoomEventListener listener,
            EventWindows windows) {
        this.db = db;
        this.builder = builder;
        this.locks = locks;
        this.clock = clock;
        this.listener = listener;
        this.windows = windows;
    }

    /**
     * Sends one event into a stored room; with a transaction ID, a repeat of the same transaction answers
     * the first event's ID and sends nothing. Returns after the event's commit.
     *
     * <p>Under the room's lock: the room's {@link RoomTip} (loaded from the store when there is none), build,
     * sign and authorise, queue the transaction ({@link Database#submit}) and move the tip past the event. The
     * commit is awaited after the lock is released, so the next send to the room is built meanwhile and
     * commits in the same group commit or the next. If an earlier queued event of the room failed, this one's
     * transaction fails before writing anything, and it is built again on the room as stored.
     *
     * @param unknownRoom the error for a room this server does not have
     */
    EventId send(RoomId roomId, EventBuilder.Request request, Optional<TxnKey> txn,
            Supplier<MatrixException> unknownRoom) {
        if (txn.isPresent() && !txn.get().room().equals(roomId)) {
            throw new IllegalArgumentException("the transaction is scoped to another room");
        }
        for (int attempt = 1; ; attempt++) {
            Queued queued = locks.withStripe(roomId, stripe -> queue(stripe, roomId, request, txn, unknownRoom));
            if (queued.earlier() != null) {
                return queued.earlier();
            }
            try {
                queued.link().pending().await();
            } catch (PredecessorFailed e) {
                if (attempt >= MAX_ATTEMPTS) {
                    throw new StorageException("the room's earlier events failed to commit " + attempt + " times", e);
                }
                continue;
            } catch (RuntimeException | Error e) {
                if (queued.repeat()) {
                    continue; // the first send of this transaction failed: this one sends it
                }
                throw e;
            } finally {
                if (!queued.repeat()) {
                    txn.ifPresent(key -> queued.stripe().pendingTxns.remove(key, queued.link()));
                }
            }
            if (!queued.repeat()) {
                tell(roomId, List.of(queued.event()));
            }
            return queued.event().eventId();
        }
    }

    /**
     * How often a send is built again after earlier events of its room failed to commit: each time, another
     * transaction failed (and told its own sender), so this bounds the retries only when many fail at once.
     */
    private static final int MAX_ATTEMPTS = 16;

    /** This transaction was queued after an event of the same room that failed: nothing was written. */
    private static final class PredecessorFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PredecessorFailed() {
            super("an earlier event of the room failed to commit", null, false, false);
        }
    }

    /**
     * What {@link #queue} did: found the transaction's event stored ({@code earlier}), or queued {@code event}
     * as {@code link}; {@code repeat} when the link is another request's send of the same transaction.
     */
    private record Queued(EventId earlier, Pdu event, RoomTip.Link link, boolean repeat, RoomLocks.Stripe stripe) {}

    /** What one read of the store gave a send: the tip, the draft and the redacted event; or the earlier send. */
    private record Loaded(EventId earlier, RoomTip tip, RoomDraft draft, Optional<Pdu> redacted) {}

    /** Under the room's lock: builds the event on the room's tip and queues its transaction. */
    private Queued queue(RoomLocks.Stripe stripe, RoomId roomId, EventBuilder.Request request, Optional<TxnKey> txn,
            Supplier<MatrixException> unknownRoom) {
        if (txn.isPresent()) {
            RoomTip.Link first = stripe.pendingTxns.get(txn.get());
            if (first != null && !first.pending().failed()) {
                return new Queued(null, first.event(), first, true, stripe);
            }
        }
        RoomTip kept = stripe.tip(roomId);
        if (kept != null && !kept.usable()) {
            stripe.dropTip(roomId, kept);
            kept = null;
        }
        if (kept == null) {
            stripe.settle(); // the store then holds every event queued for the room
        }
        RoomTip known = kept;
        boolean redaction = EventTypes.REDACTION.equals(request.type()) && request.stateKey() == null;
        // Pending sends before the store: one that has left pendingTxns has committed, so the read sees its row.
        List<TxnKey> pendingNow = txn.isPresent() && !knownTxns.loaded(txn.get())
                ? List.copyOf(stripe.pendingTxns.keySet()) : List.of();
        Loaded loaded = mustRead(known, txn, request, redaction) ? db.read(c -> {
            if (txn.isPresent()) {
                if (!knownTxns.loaded(txn.get())) {
                    knownTxns.load(c, txn.get(), pendingNow);
                }
                Optional<EventId> earlier = knownTxns.mayHaveBeenUsed(txn.get())
                        ? EventStore.txnEvent(c, txn.get()) : Optional.empty();
                if (earlier.isPresent()) {
                    return new Loaded(earlier.get(), null, null, Optional.empty());
                }
            }
            RoomTip tip = known;
            if (tip == null) {
                RoomStore.RoomInfo room = RoomStore.room(c, roomId).orElseThrow(unknownRoom);
                tip = RoomTip.of(RoomStore.draft(c, room, List.of()));
            }
            List<StateKey> keys = keysOf(tip, request);
            for (StateKey key : tip.unknown(keys)) {
                Optional<String> id = RoomStore.stateEventId(c, roomId, key);
                tip.learn(key, id.isPresent() ? Optional.of(EventStore.pdu(c, id.get())) : Optional.empty());
            }
            RoomDraft draft = tip.draft(keys);
            Optional<Pdu> redacted = redaction ? Redactions.check(c, draft, request) : Optional.empty();
            EventIndexes.checkThread(c, roomId, request);
            return new Loaded(null, tip, draft, redacted);
        })
                : new Loaded(null, known, known.draft(keysOf(known, request)), Optional.empty());
        if (loaded.earlier() != null) {
            return new Queued(loaded.earlier(), null, null, false, stripe);
        }
        RoomTip tip = loaded.tip();
        if (tip != kept) {
            stripe.putTip(roomId, tip);
        }
        Pdu event = builder.build(loaded.draft(), request);
        if (redaction) {
            Redactions.checkBuilt(event, loaded.redacted(), loaded.draft().state());
        }
        RoomTip.Link previous = tip.last();
        long storedGroup = tip.storedGroup();
        RoomDraft before = loaded.draft();
        RoomTip.Link link = new RoomTip.Link(event);
        long now = clock.millis();
        Database.Pending<Void> pending = db.submit(c -> {
            long group = previous == null ? storedGroup : previous.groupAfter().orElseThrow(PredecessorFailed::new);
            long roomChanged = lastRoomChange(roomId);
            long ordering = EventStore.persist(c, before.startingFrom(group), List.of(event), txn, now);
            long groupAfter = event.isState() ? RoomStore.room(c, roomId).orElseThrow().stateGroup() : group;
            link.ran(groupAfter);
            if (roomChanged < ordering && lastRoomChange(roomId) == ordering) { // nothing else touched the room
                StoredEvent stored = new StoredEvent(event, ordering, groupAfter, txn);
                db.afterCommit(() -> windows.committed(roomId, roomChanged, List.of(stored)));
            }
            return null;
        });
        link.queued(pending);
        tip.append(event, link);
        stripe.queued(pending);
        txn.ifPresent(key -> {
            knownTxns.used(key);
            stripe.pendingTxns.put(key, link);
        });
        return new Queued(null, event, link, false, stripe);
    }

    /** The position at which the room's timeline last changed: the database's floor if not since it opened. */
    private long lastRoomChange(RoomId roomId) {
        return Math.max(db.changes().lastChange(RoomChanges.room(roomId)), db.changes().floor());
    }

    /** The state keys a send reads from the tip: those of the event's auth and the create event. */
    private static List<StateKey> keysOf(RoomTip tip, EventBuilder.Request request) {
        List<StateKey> keys = new ArrayList<>(request.authKeys(tip.version()));
        keys.add(RoomStore.CREATE);
        return keys;
    }

    /**
     * Whether a send must read the store before it is built: unless the room's tip is kept and holds every
     * state key the event needs, the transaction ID (if any) is certainly new ({@link KnownTxns}), and it is
     * neither a redaction nor a thread reply (whose targets are read). Otherwise it is built from memory alone.
     */
    private boolean mustRead(RoomTip known, Optional<TxnKey> txn, EventBuilder.Request request, boolean redaction) {
        return known == null || redaction || EventIndexes.mayStartThread(request)
                || txn.isPresent() && knownTxns.mayHaveBeenUsed(txn.get())
                || !known.unknown(keysOf(known, request)).isEmpty();
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
