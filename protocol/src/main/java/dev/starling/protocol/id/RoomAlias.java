package dev.starling.protocol.id;

/** A room alias {@code #alias:server} (spec: Appendices, "Room Aliases"). */
public record RoomAlias(String value) {
    public RoomAlias {
        String[] parts = Identifiers.splitSigilled(value, '#', InvalidIdentifierException.Kind.ROOM_ALIAS);
        if (parts[0].isEmpty()) {
            throw new InvalidIdentifierException(InvalidIdentifierException.Kind.ROOM_ALIAS, value, "empty alias");
        }
        for (int i = 0; i < parts[0].length(); i++) {
            if (Character.isISOControl(parts[0].charAt(i))) {
                throw new InvalidIdentifierException(InvalidIdentifierException.Kind.ROOM_ALIAS, value,
                        "control characters are not allowed");
            }
        }
        try {
            ServerName.parse(parts[1]);
        } catch (InvalidIdentifierException e) {
            throw new InvalidIdentifierException(InvalidIdentifierException.Kind.ROOM_ALIAS, value, e.getMessage());
        }
    }

    public static RoomAlias parse(String value) {
        return new RoomAlias(value);
    }

    public String alias() {
        return value.substring(1, value.indexOf(':'));
    }

    public ServerName server() {
        return new ServerName(value.substring(value.indexOf(':') + 1));
    }

    @Override
    public String toString() {
        return value;
    }
}
