package dev.starling.protocol.stateres;

import dev.starling.protocol.events.EventTypes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.EventId;
import dev.starling.protocol.rooms.RoomVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * State resolution: the state of a room where several views of its state meet (spec: room version 2 "State
 * resolution", used by room versions 10 and 11; state resolution v2.1 of room version 12, MSC4297).
 *
 * <p>The result depends only on the set of input states and the events, never on the order of the states, and
 * every server computing it gets the same answer. Big rooms are the design case: the work grows with the
 * conflicted part and its auth chains, and with one pass over the state maps, not with their product.
 */
public final class StateResolver {
    private final AuthCheck rules;

    /** A resolver with the given authorization rules, for tests. */
    StateResolver(AuthCheck rules) {
        this.rules = Objects.requireNonNull(rules, "rules");
    }

    /**
     * Resolves the states of a room of the given version.
     *
     * @param stateSets the states to resolve, each a map from {@code (type, state_key)} to event ID
     * @param events where to get the events of the states and their auth chains
     * @return the resolved state
     * @throws StateResolutionException when an event needed is missing or belongs to another room, or a
     *     conflicted event is not the state event of the key it is stored under (unconflicted entries are taken
     *     as given)
     */
    public static Map<StateKey, EventId> resolve(
            RoomVersion version, List<Map<StateKey, EventId>> stateSets, EventProvider events) {
        return new StateResolver(AuthCheck.RULES).run(version, stateSets, events, null);
    }

    /**
     * As {@link #resolve(RoomVersion, List, EventProvider)}, with the auth difference supplied by an auth-chain
     * index instead of walking {@code auth_events}.
     */
    public static Map<StateKey, EventId> resolve(RoomVersion version, List<Map<StateKey, EventId>> stateSets,
            EventProvider events, AuthChainProvider authChains) {
        return new StateResolver(AuthCheck.RULES).run(version, stateSets, events, Objects.requireNonNull(authChains));
    }

    Map<StateKey, EventId> run(RoomVersion version, List<Map<StateKey, EventId>> stateSets, EventProvider provider,
            AuthChainProvider authChainProvider) {
        if (stateSets.isEmpty()) {
            throw new StateResolutionException(StateResolutionException.Problem.NO_STATE_SETS,
                    "state resolution needs at least one state");
        }
        Events events = new Events(provider, version);
        boolean v21 = version.stateResolution() == RoomVersion.StateResolution.V2_1;

        // Unconflicted state map and conflicted state set. A key missing from some state is conflicted, as in
        // Synapse and ruma: "present in every S_i with the same value" is the spec's condition for unconflicted.
        Map<StateKey, EventId> unconflicted = new HashMap<>();
        Map<StateKey, Set<EventId>> conflictedByKey = new HashMap<>();
        split(stateSets, unconflicted, conflictedByKey);
        if (conflictedByKey.isEmpty()) {
            return unconflicted;
        }
        checkKeys(conflictedByKey, events);
        Set<EventId> conflicted = new HashSet<>();
        conflictedByKey.values().forEach(conflicted::addAll);

        // Full conflicted set: conflicted state ∪ auth difference (∪ conflicted state subgraph in v2.1).
        List<Set<EventId>> idSets = new ArrayList<>(stateSets.size());
        for (Map<StateKey, EventId> stateSet : stateSets) {
            idSets.add(new HashSet<>(stateSet.values()));
        }
        AuthChains walker = new AuthChains(events);
        Set<EventId> fullConflicted = new HashSet<>(conflicted);
        fullConflicted.addAll((authChainProvider != null ? authChainProvider : walker).authDifference(idSets));
        if (v21) {
            fullConflicted.addAll(walker.conflictedSubgraph(conflicted));
        }
        // Only state events take part: an auth chain holds nothing else in a valid room, and a non-state event
        // has no place in a state map.
        fullConflicted.removeIf(id -> !events.get(id).isState());

        // Step 1: the power events and their auth chains within the full conflicted set, in reverse
        // topological power order.
        List<EventId> powerEvents = new ArrayList<>();
        for (EventId id : fullConflicted) {
            if (Events.isPowerEvent(events.get(id))) {
                powerEvents.add(id);
            }
        }
        List<EventId> sortedPower = ReverseTopologicalSort.sort(powerEvents, fullConflicted, events);

        // Step 2: iterative auth checks from the unconflicted state (v2) or from the empty state (v2.1: the
        // unconflicted state may itself be the product of a state reset, MSC4297 problem A).
        Map<StateKey, EventId> resolved = v21 ? new HashMap<>() : new HashMap<>(unconflicted);
        IterativeAuth.apply(sortedPower, resolved, events, rules);

        // Step 3: every other event of the full conflicted set, by the mainline of the resolved power levels.
        Set<EventId> inStepOne = new HashSet<>(sortedPower);
        List<EventId> others = new ArrayList<>();
        for (EventId id : fullConflicted) {
            if (!inStepOne.contains(id)) {
                others.add(id);
            }
        }
        EventId powerLevels = resolved.get(new StateKey(EventTypes.POWER_LEVELS, ""));
        List<EventId> sortedOthers = MainlineOrdering.sort(others, powerLevels, events);

        // Step 4: iterative auth checks on the partially resolved state.
        IterativeAuth.apply(sortedOthers, resolved, events, rules);

        // Step 5: the unconflicted state always wins.
        resolved.putAll(unconflicted);
        return resolved;
    }

    /**
     * Splits the states into the unconflicted state map and the conflicted state set (by key). Each state is
     * walked once: keys of the first state are checked against every other, then keys missing from the first.
     */
    private static void split(List<Map<StateKey, EventId>> stateSets, Map<StateKey, EventId> unconflicted,
            Map<StateKey, Set<EventId>> conflicted) {
        Map<StateKey, EventId> first = stateSets.get(0);
        List<Map<StateKey, EventId>> others = stateSets.subList(1, stateSets.size());
        for (Map.Entry<StateKey, EventId> entry : first.entrySet()) {
            StateKey key = entry.getKey();
            EventId value = entry.getValue();
            boolean same = true;
            for (Map<StateKey, EventId> other : others) {
                if (!value.equals(other.get(key))) {
                    same = false;
                    break;
                }
            }
            if (same) {
                unconflicted.put(key, value);
            } else {
                Set<EventId> values = conflicted.computeIfAbsent(key, k -> new HashSet<>());
                for (Map<StateKey, EventId> stateSet : stateSets) {
                    EventId v = stateSet.get(key);
                    if (v != null) {
                        values.add(v);
                    }
                }
            }
        }
        for (Map<StateKey, EventId> other : others) {
            for (Map.Entry<StateKey, EventId> entry : other.entrySet()) {
                if (!first.containsKey(entry.getKey())) {
                    conflicted.computeIfAbsent(entry.getKey(), k -> new HashSet<>()).add(entry.getValue());
                }
            }
        }
    }

    /** A conflicted event must be the state event its key says; anything else would corrupt the result. */
    private static void checkKeys(Map<StateKey, Set<EventId>> conflicted, Events events) {
        conflicted.forEach((key, ids) -> {
            for (EventId id : ids) {
                Pdu event = events.get(id);
                if (!event.isState() || !event.stateTuple().equals(key)) {
                    throw new StateResolutionException(StateResolutionException.Problem.STATE_KEY_MISMATCH,
                            "a state maps " + key + " to " + id + ", which is " + event.type() + " "
                                    + event.stateKey().orElse("(not state)"));
                }
            }
        });
    }
}
