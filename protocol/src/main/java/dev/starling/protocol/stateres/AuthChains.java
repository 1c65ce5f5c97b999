package dev.starling.protocol.stateres;

import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.id.EventId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Auth-chain computations by walking {@code auth_events}: the default {@link AuthChainProvider} and the
 * conflicted state subgraph of state resolution v2.1.
 *
 * <p>Written for big rooms: the auth difference never builds one auth chain per state set. Events present in
 * every state set contribute their whole auth chain to every {@code C_i}, so that part (walked once) can
 * never be in the difference; only the chains of each set's other events are walked, stopping wherever they
 * reach that common part.
 */
final class AuthChains implements AuthChainProvider {
    private final Events events;

    AuthChains(Events events) {
        this.events = events;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Like Synapse, the full auth chain {@code C_i} of a state set here includes the set's own events (the
     * spec's wording leaves this open; counting them keeps an event that is itself unconflicted state out of
     * the difference). So everything in every state set, and its auth chain, is in every {@code C_i}.
     */
    @Override
    public Set<EventId> authDifference(List<Set<EventId>> stateSets) {
        if (stateSets.size() < 2) {
            return Set.of();
        }
        Set<EventId> inEvery = new HashSet<>(stateSets.get(0));
        for (Set<EventId> set : stateSets.subList(1, stateSets.size())) {
            inEvery.retainAll(set);
        }
        Set<EventId> common = closure(inEvery, Set.of());
        List<Set<EventId>> partial = new ArrayList<>(stateSets.size());
        for (Set<EventId> set : stateSets) {
            List<EventId> own = new ArrayList<>();
            for (EventId id : set) {
                if (!inEvery.contains(id)) {
                    own.add(id);
                }
            }
            partial.add(closure(own, common));
        }
        Set<EventId> union = new HashSet<>();
        partial.forEach(union::addAll);
        Set<EventId> intersection = new HashSet<>(partial.get(0));
        for (Set<EventId> chain : partial.subList(1, partial.size())) {
            intersection.retainAll(chain);
        }
        union.removeAll(intersection);
        return union;
    }

    /**
     * The events {@code starts} with their auth chains, leaving out (and not walking below) events in
     * {@code stop}, whose auth chains are already accounted for.
     */
    private Set<EventId> closure(Collection<EventId> starts, Set<EventId> stop) {
        Set<EventId> seen = new HashSet<>();
        ArrayDeque<EventId> queue = new ArrayDeque<>();
        for (EventId start : starts) {
            if (!stop.contains(start) && seen.add(start)) {
                queue.add(start);
            }
        }
        while (!queue.isEmpty()) {
            for (EventId auth : events.get(queue.poll()).authEvents()) {
                if (!stop.contains(auth) && seen.add(auth)) {
                    queue.add(auth);
                }
            }
        }
        return seen;
    }

    /**
     * The conflicted state subgraph (spec: room version 12, "Conflicted state subgraph"): every event on an
     * {@code auth_events} path from one conflicted event to another, endpoints included. An event is on such a
     * path exactly when it is reachable from a conflicted event and a conflicted event is reachable from it, so
     * one depth-first walk down from the conflicted events, memoising "reaches a conflicted event" per event,
     * finds them all in time linear in the size of their auth chains.
     */
    Set<EventId> conflictedSubgraph(Set<EventId> conflicted) {
        Map<EventId, Boolean> reaches = new HashMap<>();
        // Events whose auth events are being walked. A valid auth graph has no cycles, but stored data need not be
        // valid; an edge back into the current walk is ignored instead of looping forever.
        Set<EventId> entered = new HashSet<>();
        // Iterative post-order walk: power-level and membership chains can be thousands of events deep.
        ArrayDeque<EventId> stack = new ArrayDeque<>();
        for (EventId start : conflicted) {
            if (reaches.containsKey(start)) {
                continue;
            }
            stack.push(start);
            while (!stack.isEmpty()) {
                EventId id = stack.peek();
                if (reaches.containsKey(id)) {
                    stack.pop();
                    continue;
                }
                Pdu event = events.get(id);
                boolean firstVisit = entered.add(id);
                boolean pending = false;
                boolean any = conflicted.contains(id);
                for (EventId auth : event.authEvents()) {
                    Boolean known = reaches.get(auth);
                    if (known == null) {
                        if (firstVisit && !entered.contains(auth)) {
                            stack.push(auth);
                            pending = true;
                        }
                    } else if (known) {
                        any = true;
                    }
                }
                if (!pending) {
                    stack.pop();
                    reaches.put(id, any);
                }
            }
        }
        Set<EventId> subgraph = new HashSet<>();
        reaches.forEach((id, onPath) -> {
            if (onPath) {
                subgraph.add(id);
            }
        });
        return subgraph;
    }
}
