package dev.starling.server.aliases;

import dev.starling.protocol.id.InvalidIdentifierException;
import dev.starling.protocol.id.RoomId;
import dev.starling.server.http.MatrixException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Pagination of the published room directory: rooms sorted by joined members, most first, then room ID
 * (the order the spec recommends and Synapse uses), cut by keyset tokens so that a page stays well-defined
 * while rooms are published or members join. {@code f<members>:<roomId>} asks for the rooms after that
 * room; {@code b<members>:<roomId>} for those before it.
 */
final class PublicRoomsPage {
    static final Comparator<RoomSummary> ORDER = Comparator.comparingLong(RoomSummary::joinedMembers).reversed()
            .thenComparing(s -> s.roomId().value());

    /** A position in the order: a room with its member count when the token was made. */
    record Token(boolean forward, long joinedMembers, RoomId roomId) {
        static Token parse(String token) {
            int colon = token.indexOf(':');
            if (token.length() < 3 || (token.charAt(0) != 'f' && token.charAt(0) != 'b') || colon < 2) {
                throw MatrixException.invalidParam("since", "not a pagination token of this server");
            }
            try {
                long members = Long.parseLong(token.substring(1, colon));
                return new Token(token.charAt(0) == 'f', members, RoomId.parse(token.substring(colon + 1)));
            } catch (NumberFormatException | InvalidIdentifierException e) {
                throw MatrixException.invalidParam("since", "not a pagination token of this server");
            }
        }

        /** Positive if {@code room} sorts before this position, negative if after, 0 at it. */
        int compareTo(RoomSummary room) {
            int byMembers = Long.compare(room.joinedMembers(), joinedMembers);
            return byMembers != 0 ? byMembers : roomId.value().compareTo(room.roomId().value());
        }

        @Override
        public String toString() {
            return (forward ? "f" : "b") + joinedMembers + ":" + roomId.value();
        }

        static Token after(RoomSummary room) {
            return new Token(true, room.joinedMembers(), room.roomId());
        }

        static Token before(RoomSummary room) {
            return new Token(false, room.joinedMembers(), room.roomId());
        }
    }

    /** One page: its rooms and the tokens for the pages after and before it, if there are any. */
    record Page(List<RoomSummary> rooms, Optional<Token> next, Optional<Token> prev) {}

    private PublicRoomsPage() {}

    /** @param sorted every listed room, in {@link #ORDER} */
    static Page cut(List<RoomSummary> sorted, Optional<Token> since, int limit) {
        int from;
        int to;
        if (since.isEmpty()) {
            from = 0;
            to = Math.min(sorted.size(), limit);
        } else if (since.get().forward()) {
            from = countBefore(sorted, since.get(), true);
            to = Math.min(sorted.size(), from + limit);
        } else {
            to = countBefore(sorted, since.get(), false);
            from = Math.max(0, to - limit);
        }
        List<RoomSummary> rooms = sorted.subList(from, to);
        Optional<Token> next = to < sorted.size() && !rooms.isEmpty() ? Optional.of(Token.after(rooms.get(rooms.size() - 1)))
                : Optional.empty();
        Optional<Token> prev = from > 0 && !rooms.isEmpty() ? Optional.of(Token.before(rooms.get(0))) : Optional.empty();
        return new Page(List.copyOf(rooms), next, prev);
    }

    /** How many rooms sort before the token's position ({@code orAt}: or at it). */
    private static int countBefore(List<RoomSummary> sorted, Token token, boolean orAt) {
        int i = 0;
        while (i < sorted.size() && (token.compareTo(sorted.get(i)) > 0 || (orAt && token.compareTo(sorted.get(i)) == 0))) {
            i++;
        }
        return i;
    }
}
