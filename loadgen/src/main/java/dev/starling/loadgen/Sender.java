package dev.starling.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Sends one timed message ({@link Population#message}) of a run for a user into the user's room: either
 * through the JDK client ({@link Client}, the generator's original path) or over one {@link RawConnection}
 * with the request prebuilt as bytes (only the transaction ID, {@code Content-Length} and the send time are
 * written per message). A send counts only when answered 200 with an {@code event_id}.
 */
interface Sender extends AutoCloseable {
    /** Sends message {@code txn} of the run as {@code user}; true iff answered 200 with an event ID. */
    boolean send(int user, long txn) throws IOException, InterruptedException;

    @Override
    void close();

    /** Which client sends: {@code raw} (prebuilt bytes on plain sockets) or {@code jdk} (java.net.http). */
    enum Kind {
        RAW, JDK;

        static Kind parse(String s) {
            return switch (s) {
                case "raw" -> RAW;
                case "jdk" -> JDK;
                default -> throw new IllegalArgumentException("--client must be raw or jdk, not " + s);
            };
        }
    }

    /**
     * Makes senders of {@code run}'s messages (each with its own connection for raw; over the shared JDK client
     * otherwise); the raw requests' fragments are built once here.
     */
    static java.util.function.Supplier<Sender> factory(Kind kind, Population population, String run) {
        if (kind == Kind.JDK) {
            return () -> new Jdk(population, run);
        }
        Templates templates = Templates.of(population, run);
        return () -> new Raw(population, templates);
    }

    /** Through {@link Client#send}; the answer parsed with Jackson. */
    final class Jdk implements Sender {
        private final Population population;
        private final String run;

        Jdk(Population population, String run) {
            this.population = population;
            this.run = run;
        }

        @Override
        public boolean send(int user, long txn) throws IOException, InterruptedException {
            Client.Reply reply = population.client.send(population.users.get(user), population.roomOfUser.get(user),
                    run + "-" + txn, population.message(run));
            return reply.status() == 200 && reply.json().path("event_id").asText("").startsWith("$");
        }

        @Override
        public void close() {}
    }

    /** Over one keep-alive connection, with requests from {@link Templates}. */
    final class Raw implements Sender {
        private final Population population;
        private final Templates templates;
        private final RawConnection connection;
        private final byte[] request;

        Raw(Population population, Templates templates) {
            this.population = population;
            this.templates = templates;
            this.connection = new RawConnection(population.client.baseUrl());
            this.request = new byte[templates.maxLength];
        }

        @Override
        public boolean send(int user, long txn) throws IOException {
            int length = templates.write(user, txn, population.now(), request);
            return connection.exchange(request, length) == 200 && connection.bodyHasEventId();
        }

        @Override
        public void close() {
            connection.close();
        }
    }

    /**
     * Each user's send request of one run as byte fragments: {@code PUT <room>/send/m.room.message/<run>-}, the
     * transaction number, the headers up to {@code Content-Length: }, then the body up to the send time
     * ({@value Population#SENT_KEY}), which is written last, just before the request goes out.
     */
    final class Templates {
        private final byte[][] heads;
        private final byte[][] headers;
        private final byte[] body;
        final int maxLength;

        private Templates(byte[][] heads, byte[][] headers, byte[] body, int maxLength) {
            this.heads = heads;
            this.headers = headers;
            this.body = body;
            this.maxLength = maxLength;
        }

        static Templates of(Population population, String run) {
            List<Client.User> users = population.users;
            byte[][] heads = new byte[users.size()][];
            byte[][] headers = new byte[users.size()][];
            String host = new RawConnection(population.client.baseUrl()).hostHeader();
            int longest = 0;
            for (int u = 0; u < users.size(); u++) {
                heads[u] = ascii("PUT /_matrix/client/v3/rooms/" + Client.encode(population.roomOfUser.get(u))
                        + "/send/m.room.message/" + run + "-");
                headers[u] = ascii(" HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer " + users.get(u).token()
                        + "\r\nContent-Type: application/json\r\nContent-Length: ");
                longest = Math.max(longest, heads[u].length + headers[u].length);
            }
            byte[] body = ascii("\r\n\r\n" + Population.messagePrefix(run));
            return new Templates(heads, headers, body, longest + body.length + 3 * 20 + 1);
        }

        /** Writes user {@code u}'s request for transaction {@code txn}, sent at {@code ns}; returns its length. */
        int write(int u, long txn, long ns, byte[] into) {
            int p = put(heads[u], into, 0);
            p = putLong(txn, into, p);
            p = put(headers[u], into, p);
            int contentLength = body.length - 4 + digits(ns) + 1;
            p = putLong(contentLength, into, p);
            p = put(body, into, p);
            p = putLong(ns, into, p);
            into[p++] = '}';
            return p;
        }

        private static byte[] ascii(String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }

        private static int put(byte[] from, byte[] into, int at) {
            System.arraycopy(from, 0, into, at, from.length);
            return at + from.length;
        }

        private static int digits(long v) {
            int d = 1;
            while (v >= 10) {
                v /= 10;
                d++;
            }
            return d;
        }

        private static int putLong(long v, byte[] into, int at) {
            if (v < 0) {
                throw new IllegalArgumentException("negative: " + v);
            }
            int end = at + digits(v);
            for (int i = end - 1; i >= at; i--) {
                into[i] = (byte) ('0' + v % 10);
                v /= 10;
            }
            return end;
        }
    }
}
