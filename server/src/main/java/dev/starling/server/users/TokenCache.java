package dev.starling.server.users;

import dev.starling.server.http.AuthenticatedDevice;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Access token → device, kept in memory so that an authenticated request does not read the database. Only
 * tokens found are kept (an unknown token is read every time). Revocation is exact: every change that removes a
 * token (logout, logout of all devices, device deletion, a password change that logs out devices, a new login on
 * the same device ID, deactivation) calls {@link #revoked()} after its commit and before its request answers. An
 * entry carries the value the revocation counter had <em>before</em> its database read and is used only while the
 * counter still has that value, so a read that raced a revocation (it saw the token before the commit) is never
 * used after the revocation's {@code revoked()}. The counter is global: any revocation makes every entry be read
 * again once, which costs a database read, never a wrong answer. Bounded (cleared when full). Thread-safe.
 * Revocations by another process are not seen: none revokes today (the {@code starling admin} tools only create
 * accounts and registration tokens); one that does must go through the server.
 */
final class TokenCache {
    /** Tokens kept, at most; all are dropped when full. */
    static final int MAX_KEPT = 100_000;

    private static final AtomicLong REVOCATIONS = new AtomicLong();

    private record Kept(long revocations, AuthenticatedDevice device) {}

    private final ConcurrentHashMap<TokenHash, Kept> kept = new ConcurrentHashMap<>();

    /** Called after the commit of anything that removed access tokens: no entry read before it is used again. */
    static void revoked() {
        REVOCATIONS.incrementAndGet();
    }

    /** The device of {@code token}: kept, or read with {@code read} (and kept when found). */
    Optional<AuthenticatedDevice> find(TokenHash token, Function<TokenHash, Optional<AuthenticatedDevice>> read) {
        long before = REVOCATIONS.get(); // before the read: a revocation committing during it moves the counter on
        Kept entry = kept.get(token);
        if (entry != null && entry.revocations() == before) {
            return Optional.of(entry.device());
        }
        Optional<AuthenticatedDevice> device = read.apply(token);
        if (device.isPresent()) {
            if (kept.size() >= MAX_KEPT) {
                kept.clear();
            }
            kept.put(token, new Kept(before, device.get()));
        } else if (entry != null) {
            kept.remove(token, entry);
        }
        return device;
    }

    /** How many tokens are kept (tests). */
    int size() {
        return kept.size();
    }
}
