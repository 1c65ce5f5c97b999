package dev.starling.server.rooms;

import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.rooms.RoomVersion;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Parsed events by event ID, so that the read paths (/sync above all: every member's sync reads every new
 * event) do not parse and check the same stored JSON again and again. Only the parse is cached: callers still
 * read the event's row (so a missing or rejected event stays missing), and an entry is used only when the
 * row's JSON and room version are exactly the ones it was parsed from, so an entry can never stand for other
 * bytes. A stored event's JSON is never rewritten (a redaction is applied when the event is served, in
 * {@link ServedEvents}, from the redactions table), and a {@link Pdu} is immutable, so an entry never goes
 * stale; it is shared between users because a PDU holds nothing user-specific (visibility is decided by the
 * caller, per user, before serving).
 *
 * <p>Filled by reads ({@link #get}) and by events stored out of band ({@link #remember}), not by every event
 * stored: new events reach /sync through {@link EventWindows}, and an entry for each of them, kept for the
 * generations' lifetime (~16 s at 1,000 events/s), was copied by every young collection of the JVM's heap,
 * which made its pauses several times longer (BENCHMARKS.md, 2026-11-25).
 *
 * <p>Bounded: two generations of at most {@link #GENERATION} entries and {@link #GENERATION_CHARS} characters of
 * JSON each; when the young one fills up it becomes the old one and the previous old one is dropped, and a hit in
 * the old one is copied to the young one. That is an approximate LRU without a lock on the read path; the
 * memory held is a small multiple of twice {@link #GENERATION_CHARS} whatever the events' sizes.
 */
final class PduCache {
    /** Entries per generation; at most about twice as many are held. */
    static final int GENERATION = 8_192;
    /** Characters of stored JSON per generation (about 500 message events of 8 KiB, 8,192 of 500 bytes). */
    static final long GENERATION_CHARS = 4L << 20;

    private record Entry(String json, RoomVersion version, Pdu pdu) {}

    private static final class Generation {
        final Map<String, Entry> entries = new ConcurrentHashMap<>();
        final AtomicLong chars = new AtomicLong();

        boolean full() {
            return entries.size() > GENERATION || chars.get() > GENERATION_CHARS;
        }
    }

    private static volatile Generation young = new Generation();
    private static volatile Generation old = new Generation();

    private PduCache() {}

    /** The PDU parsed from {@code json}: the cached one if it was parsed from the same JSON, else {@code parse}'s. */
    static Pdu get(String eventId, String json, RoomVersion version, Supplier<Pdu> parse) {
        Entry entry = young.entries.get(eventId);
        if (entry == null) {
            entry = old.entries.get(eventId);
            if (entry != null && matches(entry, json, version)) {
                put(eventId, entry);
            }
        }
        if (entry != null && matches(entry, json, version)) {
            return entry.pdu();
        }
        Pdu pdu = parse.get();
        put(eventId, new Entry(json, version, pdu));
        return pdu;
    }

    /** Remembers an event just built and about to be stored as {@code json}. */
    static void remember(Pdu pdu, String json) {
        put(pdu.eventId().value(), new Entry(json, pdu.roomVersion(), pdu));
    }

    /** Drops every entry (tests). */
    static synchronized void clear() {
        young = new Generation();
        old = new Generation();
    }

    /** The number of entries held (tests). */
    static int size() {
        return young.entries.size() + old.entries.size();
    }

    /** The characters of JSON held (tests). */
    static long chars() {
        return young.chars.get() + old.chars.get();
    }

    private static boolean matches(Entry entry, String json, RoomVersion version) {
        return entry.version().equals(version) && entry.json().equals(json);
    }

    private static void put(String eventId, Entry entry) {
        Generation current = young;
        Entry previous = current.entries.put(eventId, entry);
        current.chars.addAndGet(entry.json().length() - (previous == null ? 0 : previous.json().length()));
        if (current.full()) {
            rotate(current);
        }
    }

    private static synchronized void rotate(Generation full) {
        if (young == full) {
            old = full;
            young = new Generation();
        }
    }
}
