package dev.starling.server.rooms;

import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.RoomId;
import dev.starling.server.storage.Database;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A room as the send pipeline sees it between sends, kept under the room's lock ({@link RoomLocks.Stripe}):
 * the room after the last event queued for it, committed or not — its version, forward extremities and depth
 * (in a {@link RoomDraft} moved past each event), the current state at the keys sends have needed so far
 * (present or known absent), and the {@link Link} of the last queued event, whose state snapshot the next
 * event's transaction starts from. So a send to an unchanged room reads no state from the store, and the
 * next send can be built while the previous one still waits for its commit.
 *
 * <p>Exact because every writer of a room holds its lock: a send moves the tip past its event; every other
 * writer settles the queued sends first and drops the tip afterwards ({@link RoomLocks#withLock}). A key not
 * kept yet is read from the store, which is current for it: an uncommitted event at that key would have put it
 * here. A tip whose last event failed is dropped and loaded again once everything queued has settled.
 * Not thread-safe: used under the room's lock.
 */
final class RoomTip {
    /** Keys kept per room at most; past that the tip starts again from the store (bounds a room's memory). */
    static final int MAX_KEYS = 4_096;

    private final RoomDraft draft;
    private final Set<StateKey> absent = new HashSet<>();
    private final long storedGroup;
    private Link last;

    private RoomTip(RoomDraft draft) {
        this.draft = draft;
        this.storedGroup = draft.storedStateGroup();
    }

    /**
     * One queued event: its transaction and, once its work ran, the state snapshot after it. The next event's
     * transaction reads it on the writer, after this one's work.
     */
    static final class Link {
        private final Pdu event;
        private volatile long groupAfter = -1;
        private volatile Database.Pending<Void> pending;

        Link(Pdu event) {
            this.event = event;
        }

        Pdu event() {
            return event;
        }

        void ran(long group) {
            groupAfter = group;
        }

        void queued(Database.Pending<Void> transaction) {
            pending = transaction;
        }

        Database.Pending<Void> pending() {
            return pending;
        }

        /** The snapshot after this event, or empty if its transaction failed (or its work did not complete). */
        Optional<Long> groupAfter() {
            Database.Pending<Void> p = pending;
            return p == null || p.failed() || groupAfter < 0 ? Optional.empty() : Optional.of(groupAfter);
        }
    }

    /** A tip on the stored room: {@code stored} holds the create event, the extremities and the stored snapshot. */
    static RoomTip of(RoomDraft stored) {
        return new RoomTip(stored);
    }

    /** False once the last queued event failed: the tip may name an event that was never stored. */
    boolean usable() {
        return (last == null || last.pending() == null || !last.pending().failed())
                && draft.state().size() + absent.size() <= MAX_KEYS;
    }

    /** Of {@code keys}, those neither kept nor known absent. */
    Set<StateKey> unknown(Collection<StateKey> keys) {
        Set<StateKey> unknown = new LinkedHashSet<>();
        for (StateKey key : keys) {
            if (!draft.state().containsKey(key) && !absent.contains(key)) {
                unknown.add(key);
            }
        }
        return unknown;
    }

    /** Keeps what the store holds at {@code key} (read under the lock; see the class comment). */
    void learn(StateKey key, Optional<Pdu> event) {
        if (event.isPresent()) {
            draft.state().put(key, event.get());
        } else {
            absent.add(key);
        }
    }

    /** A draft for the next event holding the state at {@code keys} only (all known), as loaded from the store. */
    RoomDraft draft(Collection<StateKey> keys) {
        Map<StateKey, Pdu> state = new HashMap<>();
        for (StateKey key : keys) {
            Pdu event = draft.state().get(key);
            if (event != null) {
                state.put(key, event);
            }
        }
        return RoomDraft.stored(draft.version(), draft.roomId().orElseThrow(), state, draft.extremities(),
                draft.maxDepth(), storedGroup);
    }

    RoomId roomId() {
        return draft.roomId().orElseThrow();
    }

    dev.starling.protocol.rooms.RoomVersion version() {
        return draft.version();
    }

    /** The last queued event, or null when the tip starts from the stored room. */
    Link last() {
        return last;
    }

    /** The stored snapshot the tip started from (the first queued event's transaction starts from it). */
    long storedGroup() {
        return storedGroup;
    }

    /** Moves past {@code event}, queued as {@code link}. */
    void append(Pdu event, Link link) {
        draft.apply(event);
        if (event.isState()) {
            absent.remove(event.stateTuple());
        }
        last = link;
    }
}
