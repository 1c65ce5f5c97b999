package dev.starling.server.rooms;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.protocol.rooms.RoomVersion;
import dev.starling.server.http.ErrorCode;
import dev.starling.server.http.MatrixException;
import dev.starling.server.storage.Database;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local user joins a room this server does not participate in (Server-Server API § Joining rooms): for
 * each candidate server in turn, {@code make_join} → the template checked and filled ({@link Templates}) →
 * hashed and signed → {@code send_join} → the answer checked ({@link JoinAnswer}) → stored in one
 * transaction ({@link RemoteRoomStore#persistJoin}). The first server that gets through wins; nothing is
 * stored for the others. Thread-safe.
 */
final class RemoteJoin {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteJoin.class);

    private final ServerName us;
    private final SigningKey key;
    private final Database db;
    private final RoomLocks locks;
    private final Clock clock;
    private final RoomEventListener listener;
    private final MembershipFederation federation;

    RemoteJoin(ServerName us, SigningKey key, Database db, RoomLocks locks, Clock clock, RoomEventListener listener,
            MembershipFederation federation) {
        this.us = us;
        this.key = key;
        this.db = db;
        this.locks = locks;
        this.clock = clock;
        this.listener = listener;
        this.federation = federation;
    }

    /**
     * Joins through the first of {@code candidates} that lets us (ourselves left out).
     *
     * @throws MatrixException 404 when no server was named, else the most telling refusal: the remote's 403,
     *     400 M_INCOMPATIBLE_ROOM_VERSION, or 502 when no server gave a usable answer
     */
    void join(UserId user, RoomId roomId, List<ServerName> candidates, ObjectNode profile) {
        Set<ServerName> servers = new LinkedHashSet<>(candidates);
        servers.remove(us);
        if (servers.isEmpty()) {
            throw MatrixException.notFound("room " + roomId + " is not known here and no server to join it through"
                    + " was given (server_name / via)");
        }
        Failures failures = new Failures();
        for (ServerName server : servers) {
            try {
                joinThrough(server, user, roomId, profile);
                return;
            } catch (MembershipFederation.RemoteFailure e) {
                failures.remote(server, e);
            } catch (Templates.Refused | JoinAnswer.Refused e) {
                LOG.warn("remote join refused room_id={} server={} reason={}", roomId, server, e.getMessage());
                failures.bad(server, e.getMessage());
            }
        }
        throw failures.error(roomId);
    }

    private void joinThrough(ServerName server, UserId user, RoomId roomId, ObjectNode profile) {
        ObjectNode template = federation.makeJoin(server, roomId, user, RoomVersion.supportedIds());
        RoomVersion version = Templates.version(template);
        Pdu join = Templates.fill(template, roomId, user, "join", profile, us, key, clock.millis());
        ObjectNode answer = federation.sendJoin(server, roomId, join.eventId(), join.json());
        long started = System.nanoTime();
        JoinAnswer.Checked checked = JoinAnswer.check(answer, join, version, federation);
        long checkedAt = System.nanoTime();
        boolean stored = locks.withLock(roomId, () -> db.inTransaction(c -> {
            if (RemoteRoomStore.participating(c, roomId, us)) {
                return false; // another local user got us in meanwhile: their join stands, ours reached the room
            }
            RemoteRoomStore.persistJoin(c, version, checked.create(), checked.state(), checked.events(), join,
                    clock.millis());
            return true;
        }));
        if (stored) {
            listener.committed(roomId, Set.of(user), 1);
        }
        LOG.info("remote join room_id={} server={} state_events={} events={} check_ms={} store_ms={}", roomId, server,
                checked.state().size(), checked.events().size(), (checkedAt - started) / 1_000_000,
                (System.nanoTime() - checkedAt) / 1_000_000);
    }

    /** What went wrong with each candidate, turned into the one error the client gets. */
    static final class Failures {
        private final List<String> reasons = new ArrayList<>();
        private MembershipFederation.RemoteFailure refusal;
        private boolean incompatible;

        void remote(ServerName server, MembershipFederation.RemoteFailure e) {
            reasons.add(server + ": " + e.getMessage());
            if ("M_INCOMPATIBLE_ROOM_VERSION".equals(e.errcode())) {
                incompatible = true;
            } else if (e.status() == 403 || e.status() == 404) {
                refusal = e;
            }
        }

        void bad(ServerName server, String reason) {
            reasons.add(server + ": " + reason);
        }

        MatrixException error(RoomId roomId) {
            String all = String.join("; ", reasons);
            if (refusal != null && refusal.status() == 403) {
                return MatrixException.forbidden("cannot join " + roomId + ": " + all);
            }
            if (incompatible) {
                return new MatrixException(ErrorCode.M_INCOMPATIBLE_ROOM_VERSION,
                        "the room's version is not supported here: " + all);
            }
            if (refusal != null) {
                return MatrixException.notFound("cannot join " + roomId + ": " + all);
            }
            return new MatrixException(ErrorCode.M_UNKNOWN, "no server let us join " + roomId + ": " + all)
                    .withStatus(502);
        }
    }
}
