package dev.starling.server.presence;

import dev.starling.protocol.id.RoomId;
import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import dev.starling.server.sync.EphemeralStream;
import dev.starling.server.sync.Notifier;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Every user's presence (Client-Server API § Presence), in memory only: a restart forgets it and users come back
 * online as they sync, as Synapse's in-memory presence does between its periodic saves. Local users are online
 * while one of their clients syncs (unless it syncs with {@code set_presence=offline}), {@code unavailable} when
 * their last activity (setting themselves online, coming online by syncing, sending an event) is older than {@link #IDLE_TIMEOUT},
 * and offline {@link #SYNC_TIMEOUT} after their last sync ended. Remote users' presence comes from their servers'
 * {@code m.presence} EDUs and turns offline when not renewed for {@link #REMOTE_TIMEOUT}; at most
 * {@link #MAX_REMOTE_USERS} remote users are kept.
 *
 * <p>A change a client would see takes a position from the {@link EphemeralStream} (shared with typing, so the
 * sync token's ephemeral part covers both), wakes the syncs of the user and of every room the user is joined to,
 * and is told to the {@link Listener} (federation). Timeouts run on timers (one scheduler thread, which ends when
 * idle), each computed from the injected {@link Clock}; tests drive them with {@link #sweep()}. With presence
 * disabled ({@code presence.enabled: false}) nothing changes and everyone reads as offline. Thread-safe: one lock.
 */
public final class Presence {
    /** Online users with no activity for this long become unavailable (Synapse's IDLE_TIMER). */
    public static final Duration IDLE_TIMEOUT = Duration.ofMinutes(5);
    /** Users go offline this long after their last sync ended (Synapse's SYNC_ONLINE_TIMEOUT). */
    public static final Duration SYNC_TIMEOUT = Duration.ofSeconds(30);
    /** {@code currently_active} stays true this long after an activity (Synapse's LAST_ACTIVE_GRANULARITY). */
    public static final Duration ACTIVE_WINDOW = Duration.ofSeconds(60);
    /** A remote user not renewed by their server for this long is offline (Synapse's FEDERATION_TIMEOUT). */
    public static final Duration REMOTE_TIMEOUT = Duration.ofMinutes(30);
    /** Remote users kept at most; beyond, offline ones are forgotten first, then updates are dropped. */
    public static final int MAX_REMOTE_USERS = 10_000;

    /** Who shares rooms with whom (rooms' current state). */
    public interface Audience {
        List<RoomId> joinedRooms(UserId user);

        /** The users joined to a room {@code user} is joined to, {@code user} included if joined anywhere. */
        Set<UserId> usersSharingRoomWith(UserId user);

        /** The users joined to the room now. */
        Set<UserId> joinedMembers(RoomId roomId);
    }

    /** Told of every change a client would see (federation sends local users' changes as m.presence EDUs). */
    @FunctionalInterface
    public interface Listener {
        void changed(UserPresence presence, long nowMs);
    }

    /** One user's mutable presence; guarded by the {@link Presence}'s lock. */
    private static final class Entry {
        PresenceState state = PresenceState.OFFLINE;
        Optional<String> statusMsg = Optional.empty();
        long lastActiveTs;
        boolean currentlyActive;
        long position;
        /** Local: how many syncs (not set_presence=offline) are under way. */
        int syncing;
        /** Local: when the last sync ended or presence was set; remote: when the last update came. */
        long lastSeenTs;
        ScheduledFuture<?> timer;
        /** When {@link #timer} fires (clock millis); it may fire before a timeout is due, and then re-arms. */
        long timerDue;

        UserPresence snapshot(UserId user) {
            return new UserPresence(user, state, statusMsg, lastActiveTs, currentlyActive, position);
        }
    }

    private final ServerName self;
    private final boolean enabled;
    private final Clock clock;
    private final EphemeralStream stream;
    private final Notifier notifier;
    private final Audience audience;
    private final Map<UserId, Entry> entries = new HashMap<>();
    /** Each entry's user by its {@code position} (entries that changed visibly at least once). */
    private final java.util.TreeMap<Long, UserId> byPosition = new java.util.TreeMap<>();
    /** The position of the last visible change (0: none); read without the lock by {@link #changedBetween}. */
    private volatile long lastChange;
    private final ScheduledThreadPoolExecutor timer;
    private int remoteUsers;
    private volatile Listener listener = (presence, nowMs) -> { };

    public Presence(ServerName self, boolean enabled, Clock clock, EphemeralStream stream, Notifier notifier,
            Audience audience) {
        this.self = Objects.requireNonNull(self, "self");
        this.enabled = enabled;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.stream = Objects.requireNonNull(stream, "stream");
        this.notifier = Objects.requireNonNull(notifier, "notifier");
        this.audience = Objects.requireNonNull(audience, "audience");
        this.timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "presence-timeouts");
            thread.setDaemon(true);
            return thread;
        });
        timer.setKeepAliveTime(10, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
        timer.setRemoveOnCancelPolicy(true);
    }

    /** Sets the one {@link Listener}; it must not block for long. */
    public void listen(Listener newListener) {
        this.listener = Objects.requireNonNull(newListener, "newListener");
    }

    public boolean enabled() {
        return enabled;
    }

    Audience audience() {
        return audience;
    }

    long nowMs() {
        return clock.millis();
    }

    /**
     * A local user sets their presence (PUT /presence/{userId}/status): {@code online} is an activity; the status
     * message is replaced by {@code statusMsg} (cleared when empty).
     */
    public void set(UserId user, PresenceState state, Optional<String> statusMsg) {
        if (!enabled) {
            return;
        }
        UserPresence changed;
        synchronized (this) {
            long now = clock.millis();
            Entry entry = entries.computeIfAbsent(user, u -> new Entry());
            entry.lastSeenTs = now;
            boolean active = state == PresenceState.ONLINE;
            if (active) {
                entry.lastActiveTs = now;
            }
            changed = apply(user, entry, state, statusMsg, active);
            schedule(user, entry, now);
        }
        announce(changed);
    }

    /**
     * A local user did something pro-active (sent an event: spec § Last active ago): the last activity is now,
     * an unavailable user is online again (spec § Idle timeout), an offline one stays offline (as Synapse).
     */
    public void active(UserId user) {
        if (!enabled) {
            return;
        }
        UserPresence changed;
        synchronized (this) {
            long now = clock.millis();
            Entry entry = entries.computeIfAbsent(user, u -> new Entry());
            entry.lastActiveTs = now;
            entry.lastSeenTs = now;
            PresenceState state = entry.state == PresenceState.UNAVAILABLE ? PresenceState.ONLINE : entry.state;
            changed = apply(user, entry, state, entry.statusMsg, state == PresenceState.ONLINE);
            schedule(user, entry, now);
        }
        announce(changed);
    }

    /**
     * A sync of a local user begins, with its {@code set_presence}: {@code online} brings an offline user online
     * (an activity), {@code unavailable} marks them idle, {@code offline} changes nothing and does not keep them
     * online. Call {@link #syncEnded} with the same mode when it ends.
     */
    public void syncStarted(UserId user, PresenceState mode) {
        if (!enabled || mode == PresenceState.OFFLINE) {
            return;
        }
        UserPresence changed = null;
        synchronized (this) {
            long now = clock.millis();
            Entry entry = entries.computeIfAbsent(user, u -> new Entry());
            entry.syncing++;
            entry.lastSeenTs = now;
            if (mode == PresenceState.ONLINE && entry.state == PresenceState.OFFLINE) {
                entry.lastActiveTs = now;
                changed = apply(user, entry, PresenceState.ONLINE, entry.statusMsg, true);
            } else if (mode == PresenceState.UNAVAILABLE && entry.state != PresenceState.UNAVAILABLE) {
                changed = apply(user, entry, PresenceState.UNAVAILABLE, entry.statusMsg, false);
            }
            schedule(user, entry, now);
        }
        announce(changed);
    }

    /** A sync begun with {@link #syncStarted} ended. */
    public void syncEnded(UserId user, PresenceState mode) {
        if (!enabled || mode == PresenceState.OFFLINE) {
            return;
        }
        synchronized (this) {
            Entry entry = entries.get(user);
            if (entry != null) {
                long now = clock.millis();
                entry.syncing = Math.max(0, entry.syncing - 1);
                entry.lastSeenTs = now;
                schedule(user, entry, now);
            }
        }
    }

    /**
     * A remote user's presence from their server's {@code m.presence} EDU (the caller checked that the user
     * belongs to the origin and shares a room with a local user).
     *
     * @return false when dropped because {@link #MAX_REMOTE_USERS} are kept and none is offline
     */
    public boolean remote(UserId user, PresenceState state, Optional<String> statusMsg, long lastActiveAgoMs,
            boolean currentlyActive) {
        if (!enabled || user.server().equals(self)) {
            return false;
        }
        UserPresence changed;
        synchronized (this) {
            long now = clock.millis();
            Entry entry = entries.get(user);
            if (entry == null) {
                if (remoteUsers >= MAX_REMOTE_USERS && !forgetOfflineRemote()) {
                    return false;
                }
                entry = new Entry();
                entries.put(user, entry);
                remoteUsers++;
            }
            entry.lastSeenTs = now;
            entry.lastActiveTs = now - Math.max(0, lastActiveAgoMs);
            changed = apply(user, entry, state, statusMsg, state == PresenceState.ONLINE && currentlyActive);
            schedule(user, entry, now);
        }
        announce(changed);
        return true;
    }

    /** The user's presence now (offline, never active, for a user nothing is known of). */
    public synchronized UserPresence get(UserId user) {
        Entry entry = enabled ? entries.get(user) : null;
        return entry == null ? UserPresence.unknown(user) : entry.snapshot(user);
    }

    /** Every user whose presence changed at a position in {@code (after, upTo]}. */
    List<UserPresence> changedBetween(long after, long upTo) {
        if (lastChange <= after) {
            return List.of(); // the usual case: nobody's presence changed since the last answer
        }
        synchronized (this) {
            List<UserPresence> changed = new ArrayList<>();
            byPosition.subMap(after, false, upTo, true).values()
                    .forEach(user -> changed.add(entries.get(user).snapshot(user)));
            return changed;
        }
    }

    /** The ephemeral position of the last change anywhere (typing included). */
    long position() {
        return stream.current();
    }

    /** Applies every timeout due by the clock now (the timers call it per user; tests call it directly). */
    void sweep() {
        List<UserId> users;
        synchronized (this) {
            users = new ArrayList<>(entries.keySet());
        }
        users.forEach(this::timeOut);
    }

    private void timeOut(UserId user) {
        UserPresence changed = null;
        synchronized (this) {
            Entry entry = entries.get(user);
            if (entry == null) {
                return;
            }
            long now = clock.millis();
            boolean local = user.server().equals(self);
            PresenceState state = entry.state;
            boolean active = entry.currentlyActive && now - entry.lastActiveTs < ACTIVE_WINDOW.toMillis();
            if (state == PresenceState.ONLINE && now - entry.lastActiveTs >= IDLE_TIMEOUT.toMillis() && local) {
                state = PresenceState.UNAVAILABLE;
            }
            if (state != PresenceState.OFFLINE && (local ? entry.syncing == 0
                    && now - entry.lastSeenTs >= SYNC_TIMEOUT.toMillis()
                    : now - entry.lastSeenTs >= REMOTE_TIMEOUT.toMillis())) {
                state = PresenceState.OFFLINE;
            }
            changed = apply(user, entry, state, entry.statusMsg, active && state == PresenceState.ONLINE);
            if (entry.timer != null) {
                entry.timer.cancel(false); // a no-op when it is the timer running this
                entry.timer = null;
            }
            schedule(user, entry, now);
        }
        announce(changed);
    }

    /** Sets the visible fields; a visible difference takes a position. Returns the new snapshot if changed. */
    private UserPresence apply(UserId user, Entry entry, PresenceState state, Optional<String> statusMsg,
            boolean currentlyActive) {
        boolean visible = entry.state != state || !entry.statusMsg.equals(statusMsg)
                || entry.currentlyActive != currentlyActive;
        entry.state = state;
        entry.statusMsg = statusMsg;
        entry.currentlyActive = currentlyActive;
        if (!visible) {
            return null;
        }
        if (entry.position > 0) {
            byPosition.remove(entry.position);
        }
        entry.position = stream.advance();
        byPosition.put(entry.position, user);
        lastChange = entry.position;
        return entry.snapshot(user);
    }

    /**
     * Arms the entry's timer for its next due timeout, if any. A timer already armed to fire no later is kept:
     * activity only moves timeouts later, and a timer that fires early re-checks and re-arms ({@link #timeOut}),
     * so a sync or a send (each calls this) seldom touches the scheduler.
     */
    private void schedule(UserId user, Entry entry, long now) {
        long due = Long.MAX_VALUE;
        boolean local = user.server().equals(self);
        if (entry.state == PresenceState.ONLINE && entry.currentlyActive) {
            due = Math.min(due, entry.lastActiveTs + ACTIVE_WINDOW.toMillis());
        }
        if (entry.state == PresenceState.ONLINE && local) {
            due = Math.min(due, entry.lastActiveTs + IDLE_TIMEOUT.toMillis());
        }
        if (entry.state != PresenceState.OFFLINE && (!local || entry.syncing == 0)) {
            due = Math.min(due, entry.lastSeenTs + (local ? SYNC_TIMEOUT : REMOTE_TIMEOUT).toMillis());
        }
        if (due == Long.MAX_VALUE || entry.timer != null && entry.timerDue <= due) {
            return;
        }
        if (entry.timer != null) {
            entry.timer.cancel(false);
        }
        entry.timerDue = Math.max(due, now) + 1;
        entry.timer = timer.schedule(() -> timeOut(user), entry.timerDue - now, TimeUnit.MILLISECONDS);
    }

    /** Forgets one offline remote user to make room; false if there is none. */
    private boolean forgetOfflineRemote() {
        var iterator = entries.entrySet().iterator();
        while (iterator.hasNext()) {
            var next = iterator.next();
            if (!next.getKey().server().equals(self) && next.getValue().state == PresenceState.OFFLINE) {
                if (next.getValue().timer != null) {
                    next.getValue().timer.cancel(false);
                }
                byPosition.remove(next.getValue().position);
                iterator.remove();
                remoteUsers--;
                return true;
            }
        }
        return false;
    }

    /** Wakes the syncs that may see the change (the user's own and their rooms') and tells the listener. */
    private void announce(UserPresence changed) {
        if (changed == null) {
            return;
        }
        notifier.wakeUser(changed.user());
        audience.joinedRooms(changed.user()).forEach(notifier::wakeRoom);
        listener.changed(changed, clock.millis());
    }
}
