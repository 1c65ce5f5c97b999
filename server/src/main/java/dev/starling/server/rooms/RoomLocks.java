package dev.starling.server.rooms;

import dev.starling.protocol.id.RoomId;
import dev.starling.server.storage.Database;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One lock per room (striped over a fixed array, so memory does not grow with rooms): the events of one room
 * are built and persisted one at a time, so that each new event's prev_events are the forward extremities
 * the previous one left. ReentrantLock, not synchronized, so that a virtual thread waiting here unmounts.
 *
 * <p>Each stripe also keeps what the send pipeline ({@link EventSender#send}) needs to build the next event
 * without reading the store: the {@link RoomTip} of a few rooms, and the newest transaction a send queued
 * under the lock, whose commit the sender awaits after releasing it. {@link #withLock} (every other writer
 * of rooms) first waits until every transaction queued under the stripe has settled, so it reads the room as
 * stored, exactly as when sends committed under the lock; and it drops the room's tip afterwards, since it
 * may have written the room.
 */
final class RoomLocks {
    private static final int STRIPES = 256;
    /** Rooms whose tip a stripe keeps (least recently used dropped first): 2,048 rooms in all. */
    static final int TIPS_PER_STRIPE = 8;
    private final Stripe[] stripes = new Stripe[STRIPES];

    RoomLocks() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
    }

    /** A stripe's lock and what the send pipeline keeps under it. Its fields are used only under its lock. */
    static final class Stripe {
        private final ReentrantLock lock = new ReentrantLock();
        private final Map<RoomId, RoomTip> tips = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<RoomId, RoomTip> eldest) {
                return size() > TIPS_PER_STRIPE;
            }
        };
        /**
         * Sends queued under this stripe and not yet answered, by transaction ID (a repeat waits for them). Read
         * and added to under the lock; each sender removes its own entry after its commit, without the lock.
         */
        final Map<TxnKey, RoomTip.Link> pendingTxns = new ConcurrentHashMap<>();
        /** The newest transaction queued under this stripe; every earlier one settles no later than it. */
        private Database.Pending<?> last;

        RoomTip tip(RoomId room) {
            return tips.get(room);
        }

        void putTip(RoomId room, RoomTip tip) {
            tips.put(room, tip);
        }

        void dropTip(RoomId room, RoomTip tip) {
            tips.remove(room, tip);
        }

        void queued(Database.Pending<?> pending) {
            last = pending;
        }

        /** Waits until every transaction queued under this stripe has committed or failed. */
        void settle() {
            Database.Pending<?> newest = last;
            if (newest == null) {
                return;
            }
            try {
                newest.await();
            } catch (RuntimeException | Error e) {
                // Its sender reports it; here it only matters that it is settled.
            }
            if (last == newest) {
                last = null;
            }
        }

        boolean heldByCurrentThread() {
            return lock.isHeldByCurrentThread();
        }
    }

    /** Runs {@code work} under the room's lock, on the room as stored (see the class comment). */
    <T> T withLock(RoomId room, Supplier<T> work) {
        Stripe stripe = stripe(room);
        stripe.lock.lock();
        try {
            stripe.settle();
            return work.get();
        } finally {
            stripe.tips.remove(room);
            stripe.lock.unlock();
        }
    }

    /** Runs {@code work} under the room's lock with the stripe's send state (for {@link EventSender}). */
    <T> T withStripe(RoomId room, Function<Stripe, T> work) {
        Stripe stripe = stripe(room);
        stripe.lock.lock();
        try {
            return work.apply(stripe);
        } finally {
            stripe.lock.unlock();
        }
    }

    private Stripe stripe(RoomId room) {
        return stripes[Math.floorMod(room.value().hashCode(), STRIPES)];
    }
}
