package dev.starling.server.rooms;

import dev.starling.protocol.id.RoomId;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One lock per room (striped over a fixed array, so memory does not grow with rooms): the events of one room
 * are built and persisted one at a time, so that each new event's prev_events are the forward extremities
 * the previous one left. ReentrantLock, not synchronized, so that a virtual thread waiting here unmounts.
 */
final class RoomLocks {
    private static final int STRIPES = 256;
    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

    RoomLocks() {
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    <T> T withLock(RoomId room, Supplier<T> work) {
        ReentrantLock lock = locks[Math.floorMod(room.value().hashCode(), STRIPES)];
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }
}
