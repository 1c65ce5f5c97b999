package dev.starling.protocol.stateres;

import dev.starling.protocol.id.EventId;
import java.util.List;
import java.util.Set;

/**
 * Computes the auth difference of some state sets (spec: room version 2 state resolution, "Auth difference"):
 * with {@code C_i} the full auth chain of state set {@code S_i} (the union of the auth chains of its events),
 * the events in {@code ∪ C_i − ∩ C_i}.
 *
 * <p>A server with an auth-chain index (chain cover or similar) supplies its own implementation so that big
 * rooms never walk their whole auth graph; the default walks {@code auth_events} through the
 * {@link EventProvider}.
 */
@FunctionalInterface
public interface AuthChainProvider {
    /**
     * @param stateSets the event IDs of each state set (the values of the state maps)
     * @return the auth difference; it need not contain the state sets' own events unless they are in it
     */
    Set<EventId> authDifference(List<Set<EventId>> stateSets);
}
