package dev.starling.protocol.id;

import java.util.OptionalInt;

/**
 * A server name: {@code hostname [":" port]} where the hostname is a DNS name, an IPv4 literal or a
 * bracketed IPv6 literal (spec: Appendices, "Server Name"). Stored in the form it was given.
 */
public record ServerName(String value) {
    /** DNS names are at most 255 characters; the spec bounds the whole server name by the ID limit too. */
    public static final int MAX_LENGTH = 255;

    public ServerName {
        validate(value);
    }

    public static ServerName parse(String value) {
        return new ServerName(value);
    }

    /** The host part without the port (IPv6 literals keep their brackets). */
    public String host() {
        int split = portSeparator(value);
        return split < 0 ? value : value.substring(0, split);
    }

    public OptionalInt port() {
        int split = portSeparator(value);
        return split < 0 ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(value.substring(split + 1)));
    }

    /** True when the host is an IPv4 or IPv6 literal rather than a DNS name. */
    public boolean isIpLiteral() {
        String host = host();
        return host.startsWith("[") || isIpv4(host);
    }

    private static int portSeparator(String value) {
        int close = value.lastIndexOf(']');
        int colon = value.lastIndexOf(':');
        return colon > close ? colon : -1;
    }

    private static void validate(String value) {
        InvalidIdentifierException.Kind kind = InvalidIdentifierException.Kind.SERVER_NAME;
        if (value == null || value.isEmpty()) {
            throw new InvalidIdentifierException(kind, value, "empty");
        }
        if (value.length() > MAX_LENGTH) {
            throw new InvalidIdentifierException(kind, value, "longer than " + MAX_LENGTH + " characters");
        }
        String host;
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0) {
                throw new InvalidIdentifierException(kind, value, "IPv6 literal without ']'");
            }
            host = value.substring(0, close + 1);
            if (!isIpv6(value.substring(1, close))) {
                throw new InvalidIdentifierException(kind, value, "malformed IPv6 literal");
            }
            String rest = value.substring(close + 1);
            if (!rest.isEmpty()) {
                if (rest.charAt(0) != ':') {
                    throw new InvalidIdentifierException(kind, value, "unexpected text after IPv6 literal");
                }
                checkPort(value, rest.substring(1));
            }
            return;
        }
        int colon = value.indexOf(':');
        host = colon < 0 ? value : value.substring(0, colon);
        if (colon >= 0) {
            checkPort(value, value.substring(colon + 1));
        }
        if (host.isEmpty()) {
            throw new InvalidIdentifierException(kind, value, "empty hostname");
        }
        if (looksLikeIpv4(host)) {
            if (!isIpv4(host)) {
                throw new InvalidIdentifierException(kind, value, "malformed IPv4 literal");
            }
            return;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.';
            if (!ok) {
                throw new InvalidIdentifierException(kind, value, "character " + Identifiers.quote(String.valueOf(c))
                        + " is not allowed in a DNS name");
            }
        }
    }

    private static void checkPort(String value, String port) {
        if (port.isEmpty() || port.length() > 5 || !digits(port)) {
            throw new InvalidIdentifierException(InvalidIdentifierException.Kind.SERVER_NAME, value,
                    "port must be 1 to 5 digits");
        }
        int number = Integer.parseInt(port);
        if (number < 1 || number > 65535) {
            throw new InvalidIdentifierException(InvalidIdentifierException.Kind.SERVER_NAME, value,
                    "port " + number + " is out of range");
        }
    }

    private static boolean looksLikeIpv4(String host) {
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if ((c < '0' || c > '9') && c != '.') {
                return false;
            }
        }
        return !host.isEmpty();
    }

    private static boolean digits(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    static boolean isIpv4(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !digits(part)) {
                return false;
            }
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    static boolean isIpv6(String address) {
        if (address.isEmpty() || address.length() > 45) {
            return false;
        }
        String text = address;
        int groupsNeeded = 8;
        int lastColon = text.lastIndexOf(':');
        if (lastColon >= 0 && text.indexOf('.', lastColon) > 0) {
            if (!isIpv4(text.substring(lastColon + 1))) {
                return false;
            }
            text = text.substring(0, lastColon + 1) + "0:0";
        }
        int doubleColon = text.indexOf("::");
        if (doubleColon >= 0 && text.indexOf("::", doubleColon + 1) >= 0) {
            return false;
        }
        String[] groups;
        if (doubleColon >= 0) {
            String left = text.substring(0, doubleColon);
            String right = text.substring(doubleColon + 2);
            String[] l = left.isEmpty() ? new String[0] : left.split(":", -1);
            String[] r = right.isEmpty() ? new String[0] : right.split(":", -1);
            if (l.length + r.length > groupsNeeded - 1) {
                return false;
            }
            groups = new String[l.length + r.length];
            System.arraycopy(l, 0, groups, 0, l.length);
            System.arraycopy(r, 0, groups, l.length, r.length);
        } else {
            groups = text.split(":", -1);
            if (groups.length != groupsNeeded) {
                return false;
            }
        }
        for (String g : groups) {
            if (g.isEmpty() || g.length() > 4) {
                return false;
            }
            for (int i = 0; i < g.length(); i++) {
                // ASCII only: Character.digit also accepts e.g. U+0661 ARABIC-INDIC DIGIT ONE and fullwidth letters.
                char c = g.charAt(i);
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return value;
    }
}
