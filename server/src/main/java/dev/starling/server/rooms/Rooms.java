package dev.starling.server.rooms;

import dev.starling.protocol.crypto.SigningKey;
import dev.starling.protocol.events.StateKey;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.server.storage.Database;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.function.Predicate;

/**
 * The rooms area wired together: the event pipeline (builder, per-room locks, sender), creation, membership,
 * reading with visibility, and the two HTTP faces. The one place that builds this package's parts.
 */
public final class Rooms {
    private static final StateKey CANONICAL_ALIAS = new StateKey(RoomsApi.CANONICAL_ALIAS, "");

    private final RoomsApi api;
    private final MembershipApi membershipApi;
    private final RoomStream stream;
    private final MessagesApi messagesApi;
    private final RoomAccess access;
    private final RedactionsApi redactionsApi;
    private final ContextApi contextApi;
    private final RelationsApi relationsApi;
    private final RemoteEvents remoteEvents;
    private final FederationReads federationReads;
    private final ResidentMembership resident;

    /**
     * @param localUserExists whether a local user ID names an existing account (for invites)
     */
    public Rooms(ServerName serverName, SigningKey signingKey, Database db, Clock clock, SecureRandom random,
            Predicate<UserId> localUserExists) {
        this(serverName, signingKey, db, clock, random, localUserExists, RoomEventListener.NONE);
    }

    /** @param listener told after every commit of room events (the sync notifier) */
    public Rooms(ServerName serverName, SigningKey signingKey, Database db, Clock clock, SecureRandom random,
            Predicate<UserId> localUserExists, RoomEventListener listener) {
        this(serverName, signingKey, db, clock, random, localUserExists, listener, DirectoryHooks.NONE);
    }

    /** @param directory aliases, the room directory and profiles, as rooms needs them */
    public Rooms(ServerName serverName, SigningKey signingKey, Database db, Clock clock, SecureRandom random,
            Predicate<UserId> localUserExists, RoomEventListener listener, DirectoryHooks directory) {
        this(serverName, signingKey, db, clock, random, localUserExists, listener, directory,
                MembershipFederation.NONE);
    }

    /** @param federation the requests and signature checks of membership across servers */
    public Rooms(ServerName serverName, SigningKey signingKey, Database db, Clock clock, SecureRandom random,
            Predicate<UserId> localUserExists, RoomEventListener listener, DirectoryHooks directory,
            MembershipFederation federation) {
        RoomLocks locks = new RoomLocks();
        EventBuilder eventBuilder = new EventBuilder(serverName, signingKey, clock);
        this.stream = new RoomStream(db);
        EventSender sender = new EventSender(db, eventBuilder, locks, clock, listener, stream.windows());
        this.resident = new ResidentMembership(serverName, signingKey, db, eventBuilder, locks, clock, listener,
                localUserExists);
        RemoteJoin remoteJoin = new RemoteJoin(serverName, signingKey, db, locks, clock, listener, federation);
        RemoteInvites remoteInvites = new RemoteInvites(serverName, signingKey, db, eventBuilder, locks, clock,
                listener, federation);
        RoomReader reader = new RoomReader(db);
        this.access = new RoomAccess(db, sender, locks);
        this.api = new RoomsApi(new RoomCreation(serverName, sender, localUserExists, random, directory,
                remoteInvites), sender,
                reader, (roomId, content) -> directory.checkCanonicalAlias(roomId, content, access.currentState(
                        roomId, List.of(CANONICAL_ALIAS)).values().stream().findFirst()));
        this.membershipApi = new MembershipApi(new Membership(serverName, db, sender, localUserExists, directory,
                remoteJoin, remoteInvites),
                reader, new Forgetting(db));
        this.messagesApi = new MessagesApi(stream);
        this.redactionsApi = new RedactionsApi(sender);
        this.contextApi = new ContextApi(db);
        this.relationsApi = new RelationsApi(db);
        this.remoteEvents = new RemoteEvents(serverName, db, locks, listener);
        this.federationReads = new FederationReads(db);
    }

    /** Persisting events from other servers (the federation inbound pipeline). */
    public RemoteEvents remoteEvents() {
        return remoteEvents;
    }

    /** Reading the room DAG for other servers (federation serving). */
    public FederationReads federationReads() {
        return federationReads;
    }

    /** What the alias and room directories and profiles may read and do in rooms. */
    public RoomAccess access() {
        return access;
    }

    public RoomsApi api() {
        return api;
    }

    /** Rooms by stream position, for /sync and /messages. */
    public RoomStream stream() {
        return stream;
    }

    public MessagesApi messagesApi() {
        return messagesApi;
    }

    public RedactionsApi redactionsApi() {
        return redactionsApi;
    }

    public ContextApi contextApi() {
        return contextApi;
    }

    public RelationsApi relationsApi() {
        return relationsApi;
    }

    /** Membership of other servers' users through this server (make_join, send_join, invite…). */
    public ResidentMembership resident() {
        return resident;
    }

    public MembershipApi membershipApi() {
        return membershipApi;
    }
}
