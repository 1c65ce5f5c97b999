package dev.starling.server.aliases;

import dev.starling.protocol.id.RoomAlias;
import dev.starling.protocol.id.RoomId;
import java.util.List;
import java.util.Optional;

/** How an alias of another server is resolved by that server (federation's {@code /query/directory}). */
@FunctionalInterface
public interface RemoteDirectory {
    /** The room and the servers to join it through. */
    record Resolved(RoomId roomId, List<String> servers) {}

    /** Empty when the server does not know the alias or cannot be reached. */
    Optional<Resolved> resolve(RoomAlias alias);

    /** No federation: no remote alias resolves. */
    RemoteDirectory NONE = alias -> Optional.empty();
}
