package dev.starling.server.federation.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.ProtocolException;
import dev.starling.protocol.auth.AuthException;
import dev.starling.protocol.auth.AuthRules;
import dev.starling.protocol.crypto.EventSigning;
import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.rooms.RoomVersion;
import dev.starling.server.rooms.RemoteEvents;
import dev.starling.server.rooms.RemoteEvents.Reach;
import dev.starling.server.rooms.RemoteEvents.StateBefore;
import dev.starling.server.rooms.RemoteEvents.Status;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checks on receipt of a PDU, in the spec's order (Server-Server API § Checks performed on receipt of a
 * PDU; SECURITY.md items 8, 12–14): format and size; signatures; content hash (a mismatch keeps the redacted
 * event); auth against the event's own auth events (missing ones fetched from the origin with
 * {@code /event_auth}, each checked the same way and stored as an outlier); missing prev_events fetched with
 * {@code /get_missing_events} in bounded rounds and processed oldest first (an event whose gap stays open is
 * dropped, not accepted as a new extremity); auth against the state before the event (its prev_events'
 * states, resolved when several); soft failure against the current state. Called under the room's lock.
 */
final class InboundPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(InboundPipeline.class);
    private static final StateKey POWER_LEVELS = new StateKey(EventTypes.POWER_LEVELS, "");
    /** The most {@code get_missing_events} rounds for one received event (each asks for 20 events). */
    static final int MAX_GAP_ROUNDS = 50;
    /** The most events pulled to close one gap; a longer one is left to backfill (the event is refused). */
    static final int MAX_GAP_EVENTS = 1000;
    /** The most {@code latest_events} named in one round. */
    private static final int MAX_LATEST = 10;

    /** Why a PDU was not accepted; {@code stored} when it was kept as rejected. */
    static class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** Refused because some prev_events could not be fetched: the gap may close later ({@link GapRetries}). */
    static final class GapOpen extends Refused {
        GapOpen(String message) {
            super(message);
        }
    }

    private final RemoteEvents rooms;
    private final PduSignatures signatures;
    private final EventFetcher fetcher;

    InboundPipeline(RemoteEvents rooms, PduSignatures signatures, EventFetcher fetcher) {
        this.rooms = rooms;
        this.signatures = signatures;
        this.fetcher = fetcher;
    }

    /** Step 1: the format and size rules of the room version ({@code unsigned} cut to its allow-list). */
    static Pdu parse(ObjectNode raw, RoomVersion version) {
        return Pdu.fromJson(Pdu.stripUnsigned(raw), version);
    }

    /**
     * Runs every check on one parsed PDU and stores it as accepted, soft-failed or rejected.
     *
     * @param fillGaps whether missing prev_events may be fetched (false for events that were themselves pulled)
     * @throws Refused when it was not accepted (the message is the per-PDU error)
     */
    void process(ServerName origin, Pdu received, boolean fillGaps) {
        Status known = rooms.status(List.of(received.eventId())).get(received.eventId());
        if (known.isRejected()) {
            throw new Refused("the event was rejected before");
        }
        if (known.hasState()) {
            return; // already in the DAG
        }
        RoomVersion version = received.roomVersion();
        Pdu event;
        if (known == Status.OUTLIER) {
            // Checked up to its auth events when it was fetched; now it joins the DAG (README: outliers).
            event = rooms.events(List.of(received.eventId())).get(received.eventId());
        } else {
            try {
                signatures.verify(received.json(), version, received.originServerTs());
            } catch (ProtocolException e) {
                throw new Refused("signature check failed: " + e.getMessage());
            }
            event = received;
            EventSigning.ContentHashCheck hash = EventSigning.checkContentHash(received.json(), version);
            if (!hash.matched()) {
                // Same event ID (the reference hash is over the redacted form): keep the redacted event.
                event = Pdu.fromJson(hash.event(), version);
                LOG.info("content hash mismatch, event redacted event_id={} origin={}", event.eventId(), origin);
            }
            checkAuthEvents(origin, event);
        }
        ensurePrevEvents(origin, event, fillGaps);
        StateBefore before;
        try {
            before = rooms.stateBefore(event.roomId(), version, event.prevEvents());
        } catch (ProtocolException e) {
            throw new Refused("the state before the event cannot be resolved: " + e.getMessage());
        }
        List<StateKey> keys = AuthRules.authEventKeys(event);
        try {
            AuthRules.check(event, rooms.stateAt(event.roomId(), before, keys));
        } catch (AuthException e) {
            rooms.persistRejected(event, before);
            throw new Refused("rejected by the state before it: " + e.getMessage());
        }
        boolean softFailed = false;
        try {
            AuthRules.check(event, rooms.currentState(event.roomId(), keys));
        } catch (AuthException e) {
            softFailed = true;
            LOG.info("event soft-failed event_id={} room_id={} origin={} rule={}", event.eventId(), event.roomId(),
                    origin, e.rule());
        }
        rooms.persist(event, before, softFailed, redactionReach(event, before));
    }

    /**
     * Step 4: the event against its own auth events. Missing ones are fetched from the origin; if any stays
     * missing the event is refused (not stored: it may come again with its auth chain); if any was rejected,
     * or the rules refuse it, it is stored as rejected.
     */
    private void checkAuthEvents(ServerName origin, Pdu event) {
        Map<EventId, Status> status = rooms.status(event.authEvents());
        if (status.containsValue(Status.UNKNOWN)) {
            fetchAuthChain(origin, event);
            status = rooms.status(event.authEvents());
        }
        if (status.containsValue(Status.UNKNOWN)) {
            throw new Refused("auth events could not be fetched");
        }
        if (status.values().stream().anyMatch(Status::isRejected)) {
            storeRejected(event);
            throw new Refused("rejected: an auth event was rejected");
        }
        try {
            authAgainstOwnAuthEvents(event);
        } catch (AuthException e) {
            storeRejected(event);
            throw new Refused("rejected by its auth events: " + e.getMessage());
        }
    }

    /**
     * Stores an event rejected by its auth events: with the state before it when its prev_events are known
     * (so that later events may still name it, Server-Server API § Rejection), else as a rejected outlier.
     */
    private void storeRejected(Pdu event) {
        if (missingPrevs(event).isEmpty()) {
            try {
                rooms.persistRejected(event, rooms.stateBefore(event.roomId(), event.roomVersion(), event.prevEvents()));
                return;
            } catch (ProtocolException e) {
                // no state: fall through
            }
        }
        rooms.persistOutlier(event, true);
    }

    private void authAgainstOwnAuthEvents(Pdu event) {
        Map<EventId, Pdu> authEvents = rooms.events(event.authEvents());
        AuthRules.checkAuthEvents(event, authEvents.values());
        Map<StateKey, Pdu> state = new HashMap<>();
        authEvents.values().forEach(e -> {
            if (e.isState()) {
                state.put(e.stateTuple(), e);
            }
        });
        // v12: the create event is not an auth event, but the rules need it (the room ID names it).
        state.putIfAbsent(new StateKey(EventTypes.CREATE, ""), rooms.createEvent(event.roomId()));
        AuthRules.check(event, state);
    }

    /** Fetches the event's auth chain from the origin and stores each valid event of it as an outlier. */
    private void fetchAuthChain(ServerName origin, Pdu event) {
        List<Pdu> chain = new ArrayList<>();
        for (ObjectNode raw : fetcher.authChain(origin, event.roomId(), event.eventId())) {
            try {
                Pdu pdu = parse(raw, event.roomVersion());
                if (pdu.roomId().equals(event.roomId())) {
                    chain.add(pdu);
                }
            } catch (ProtocolException e) {
                LOG.info("fetched auth event dropped origin={} error={}", origin, e.getMessage());
            }
        }
        chain.sort(Comparator.comparingLong(Pdu::depth));
        for (Pdu fetched : chain) {
            if (rooms.status(List.of(fetched.eventId())).get(fetched.eventId()) != Status.UNKNOWN) {
                continue;
            }
            try {
                signatures.verify(fetched.json(), fetched.roomVersion(), fetched.originServerTs());
                EventSigning.ContentHashCheck hash = EventSigning.checkContentHash(fetched.json(),
                        fetched.roomVersion());
                Pdu pdu = hash.matched() ? fetched : Pdu.fromJson(hash.event(), fetched.roomVersion());
                Map<EventId, Status> status = rooms.status(pdu.authEvents());
                if (status.containsValue(Status.UNKNOWN)) {
                    continue;
                }
                boolean rejected = status.values().stream().anyMatch(Status::isRejected);
                if (!rejected) {
                    try {
                        authAgainstOwnAuthEvents(pdu);
                    } catch (AuthException e) {
                        rejected = true;
                    }
                }
                rooms.persistOutlier(pdu, rejected);
            } catch (ProtocolException e) {
                LOG.info("fetched auth event dropped origin={} event_id={} error={}", origin, fetched.eventId(),
                        e.getMessage());
            }
        }
    }

    /**
     * The prev_events must be known with their state. Missing ones are asked from the origin with
     * {@code get_missing_events}, in rounds: the first from our forward extremities to the event, each next one
     * from the same extremities to the shallowest pulled events whose own prev_events are still missing, until
     * the gap is closed, a round brings nothing new, or {@link #MAX_GAP_ROUNDS} rounds / {@link #MAX_GAP_EVENTS}
     * events were pulled. The pulled events are then processed oldest first (without gap filling of their own).
     * If some prev_events are still missing the event is refused (SECURITY.md item 14), not stored.
     */
    private void ensurePrevEvents(ServerName origin, Pdu event, boolean fillGaps) {
        if (missingPrevs(event).isEmpty()) {
            return;
        }
        if (fillGaps) {
            Map<EventId, Pdu> pulled = pullGap(origin, event);
            List<Pdu> ordered = new ArrayList<>(pulled.values());
            ordered.sort(Comparator.comparingLong(Pdu::depth));
            int accepted = 0;
            for (Pdu pdu : ordered) {
                try {
                    process(origin, pdu, false);
                    accepted++;
                } catch (Refused e) {
                    LOG.info("pulled event not accepted origin={} event_id={} reason={}", origin, pdu.eventId(),
                            e.getMessage());
                }
            }
            if (!ordered.isEmpty()) {
                LOG.info("gap filled origin={} room_id={} event_id={} pulled={} accepted={}", origin, event.roomId(),
                        event.eventId(), ordered.size(), accepted);
            }
        }
        List<EventId> missing = missingPrevs(event);
        if (!missing.isEmpty()) {
            throw new GapOpen("prev_events could not be fetched: " + missing.size() + " missing");
        }
    }

    /** The rounds of {@code get_missing_events} for one event: every pulled event of its room, by ID. */
    private Map<EventId, Pdu> pullGap(ServerName origin, Pdu event) {
        Map<EventId, Pdu> pulled = new HashMap<>();
        List<EventId> earliest = rooms.forwardExtremities(event.roomId());
        long minDepth = rooms.minDepth(event.roomId());
        List<Pdu> frontier = List.of(event);
        for (int round = 0; round < MAX_GAP_ROUNDS && !frontier.isEmpty() && pulled.size() < MAX_GAP_EVENTS;
                round++) {
            int before = pulled.size();
            List<EventId> latest = frontier.stream().map(Pdu::eventId).toList();
            for (ObjectNode raw : fetcher.missingEvents(origin, event.roomId(), earliest, latest, minDepth)) {
                try {
                    Pdu pdu = parse(raw, event.roomVersion());
                    if (pdu.roomId().equals(event.roomId()) && !pdu.eventId().equals(event.eventId())) {
                        pulled.putIfAbsent(pdu.eventId(), pdu);
                    }
                } catch (ProtocolException e) {
                    LOG.info("pulled event dropped origin={} error={}", origin, e.getMessage());
                }
            }
            if (pulled.size() == before) {
                break; // the origin has nothing more for us
            }
            frontier = stillOpen(event, pulled);
        }
        return pulled;
    }

    /** The event and pulled events that name a prev_event neither pulled nor known with its state. */
    private List<Pdu> stillOpen(Pdu event, Map<EventId, Pdu> pulled) {
        List<Pdu> all = new ArrayList<>(pulled.values());
        all.add(event);
        List<EventId> unpulled = all.stream().flatMap(e -> e.prevEvents().stream())
                .filter(id -> !pulled.containsKey(id)).distinct().toList();
        if (unpulled.isEmpty()) {
            return List.of();
        }
        Map<EventId, Status> status = rooms.status(unpulled);
        java.util.Set<EventId> open = new java.util.HashSet<>();
        status.forEach((id, s) -> {
            if (!s.hasState()) {
                open.add(id);
            }
        });
        List<Pdu> frontier = new ArrayList<>();
        for (Pdu e : all) {
            if (e.prevEvents().stream().anyMatch(open::contains)) {
                frontier.add(e);
            }
        }
        // the shallowest first: a request names at most a few of them
        frontier.sort(Comparator.comparingLong(Pdu::depth));
        return frontier.size() > MAX_LATEST ? frontier.subList(0, MAX_LATEST) : frontier;
    }

    private List<EventId> missingPrevs(Pdu event) {
        List<EventId> missing = new ArrayList<>();
        rooms.status(event.prevEvents()).forEach((id, status) -> {
            if (!status.hasState()) {
                missing.add(id);
            }
        });
        return missing;
    }

    /**
     * Which events an accepted redaction may be applied to (Room Versions § Handling redactions: since room
     * version 3 not an auth rule, applied once both events are seen): a known target if the sender is on its
     * server or has the redact level in the state before the redaction; a target not seen yet, any event of the
     * room with that level, else only an event from the sender's server — checked when the event is served.
     */
    private Reach redactionReach(Pdu event, StateBefore before) {
        if (!EventTypes.REDACTION.equals(event.type())) {
            return Reach.ANY_SENDER;
        }
        Optional<EventId> target = event.redacts();
        if (target.isEmpty()) {
            return Reach.NONE;
        }
        Pdu redacted = rooms.events(List.of(target.get())).get(target.get());
        Map<StateKey, Pdu> state = rooms.stateAt(event.roomId(), before,
                List.of(POWER_LEVELS, new StateKey(EventTypes.MEMBER, event.sender().value())));
        try {
            if (redacted == null) {
                return AuthRules.mayRedactAnySender(event, state) ? Reach.ANY_SENDER : Reach.SENDER_SERVER;
            }
            AuthRules.checkRedaction(event, redacted, state);
            return Reach.ANY_SENDER;
        } catch (AuthException e) {
            return Reach.NONE;
        }
    }

    /** The room ID a raw PDU names, if it names one as a string. */
    static Optional<String> roomIdOf(ObjectNode raw) {
        JsonNode roomId = raw.get("room_id");
        return roomId != null && roomId.isTextual() ? Optional.of(roomId.textValue()) : Optional.empty();
    }
}
