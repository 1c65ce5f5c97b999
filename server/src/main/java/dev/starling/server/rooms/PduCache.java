package dev.starling.server.rooms;

import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.rooms.RoomVersion;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * <p>Bounded: two generations of at most {@link #GENERATION} entries each; when the young one fills up it
 * becomes the old one and the previous old one is dropped, and a hit in the old one is copied to the young one.
 * That is an approximate LRU without a lock on the read path.
 */
final class PduCache {
    /** Entries per generation; at most twice as many are held (a few KiB each). */
    static final int GENERATION = 8_192;

    private record Entry(String json, RoomVersion version, Pdu pdu) {}

    private static volatile Map<String, Entry> young = new ConcurrentHashMap<>();
    private static volatile Map<String, Entry> old = new ConcurrentHashMap<>();

    private PduCache() {}

    /** The PDU parsed from {@code json}: the cached one if it was parsed from the same JSON, else {@code parse}'s. */
    static Pdu get(String eventId, String json, RoomVersion version, Supplier<Pdu> parse) {
        Entry entry = young.get(eventId);
        if (entry == null) {
            entry = old.get(eventId);
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
        young = new ConcurrentHashMap<>();
        old = new ConcurrentHashMap<>();
    }

    /** The number of entries held (tests). */
    static int size() {
        return young.size() + old.size();
    }

    private static boolean matches(Entry entry, String json, RoomVersion version) {
        return entry.version().equals(version) && entry.json().equals(json);
    }

    private static void put(String eventId, Entry entry) {
        Map<String, Entry> current = young;
        current.put(eventId, entry);
        if (current.size() > GENERATION) {
            rotate(current);
        }
    }

    private static synchronized void rotate(Map<String, Entry> full) {
        if (young == full) {
            old = full;
            young = new ConcurrentHashMap<>();
        }
    }
}
