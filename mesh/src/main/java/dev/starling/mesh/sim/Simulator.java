package dev.starling.mesh.sim;

import java.util.PriorityQueue;

/**
 * A deterministic discrete-event loop in virtual milliseconds: events run in (time, insertion) order, one
 * at a time, so a run depends only on its seed. Not thread-safe.
 */
public final class Simulator {
    private record Event(long time, long seq, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private long now;
    private long seq;
    private long executed;

    public long now() {
        return now;
    }

    public long executed() {
        return executed;
    }

    /** Runs {@code action} at virtual time {@code time} (not before now). */
    public void at(long time, Runnable action) {
        queue.add(new Event(Math.max(time, now), seq++, action));
    }

    public void after(long delay, Runnable action) {
        at(now + delay, action);
    }

    /** Runs every event due up to and including {@code until}, then sets the clock to it. */
    public void runUntil(long until) {
        while (!queue.isEmpty() && queue.peek().time <= until) {
            Event e = queue.poll();
            now = e.time;
            executed++;
            e.action.run();
        }
        now = Math.max(now, until);
    }
}
