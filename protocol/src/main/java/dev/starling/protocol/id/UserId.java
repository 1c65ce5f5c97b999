package dev.starling.protocol.id;

/**
 * A user ID {@code @localpart:server} (spec: Appendices, "User Identifiers"). Parsing accepts the
 * historical grammar (any printable ASCII but ':' in the localpart), since such users exist in old rooms;
 * {@link #isCompliant()} says whether the localpart fits the current grammar {@code [a-z0-9._=\-/+]+}, which
 * new registrations must satisfy.
 */
public record UserId(String value) {
    public UserId {
        String[] parts = Identifiers.splitSigilled(value, '@', InvalidIdentifierException.Kind.USER_ID);
        String localpart = parts[0];
        if (localpart.isEmpty()) {
            throw new InvalidIdentifierException(InvalidIdentifierException.Kind.USER_ID, value, "empty localpart");
        }
        for (int i = 0; i < localpart.length(); i++) {
            char c = localpart.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                throw new InvalidIdentifierException(InvalidIdentifierException.Kind.USER_ID, value,
                        "localpart may only contain printable ASCII");
            }
        }
        try {
            ServerName.parse(parts[1]);
        } catch (InvalidIdentifierException e) {
            throw new InvalidIdentifierException(InvalidIdentifierException.Kind.USER_ID, value, e.getMessage());
        }
    }

    public static UserId parse(String value) {
        return new UserId(value);
    }

    public static UserId of(String localpart, ServerName server) {
        return new UserId("@" + localpart + ":" + server.value());
    }

    public String localpart() {
        return value.substring(1, value.indexOf(':'));
    }

    public ServerName server() {
        return new ServerName(value.substring(value.indexOf(':') + 1));
    }

    /** Whether the user is on {@code server}: {@code server().equals(server)} without making a server name. */
    public boolean isOn(ServerName server) {
        int start = value.indexOf(':') + 1;
        String name = server.value();
        return value.length() - start == name.length() && value.startsWith(name, start);
    }

    /** True when the localpart matches the current grammar {@code [a-z0-9._=\-/+]+}. */
    public boolean isCompliant() {
        return isCompliantLocalpart(localpart());
    }

    public static boolean isCompliantLocalpart(String localpart) {
        if (localpart.isEmpty()) {
            return false;
        }
        for (int i = 0; i < localpart.length(); i++) {
            char c = localpart.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '=' || c == '-' || c == '/' || c == '+';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return value;
    }
}
