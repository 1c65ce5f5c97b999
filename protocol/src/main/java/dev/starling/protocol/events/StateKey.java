package dev.starling.protocol.events;

import java.util.Objects;

/** The {@code (type, state_key)} pair that identifies a piece of room state. */
public record StateKey(String type, String stateKey) implements Comparable<StateKey> {
    public StateKey {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(stateKey, "stateKey");
    }

    public static StateKey of(String type, String stateKey) {
        return new StateKey(type, stateKey);
    }

    @Override
    public int compareTo(StateKey other) {
        int byType = type.compareTo(other.type);
        return byType != 0 ? byType : stateKey.compareTo(other.stateKey);
    }

    @Override
    public String toString() {
        return "(" + type + ", " + stateKey + ")";
    }
}
