package dev.starling.server.sync;

/**
 * One stream a /sync reads (rooms, to-device, device lists, receipts, account data...). Each writes its part
 * of the answer for the request's cut, and says whether it had anything new: a waiting /sync returns as soon as
 * one source has. Implementations live in the packages that own the data; {@code HomeServer} lists them.
 */
@FunctionalInterface
public interface SyncSource {
    /**
     * Writes what changed for {@code request} into {@code response}.
     *
     * @return whether anything new was written (counts that are always sent, such as one-time key counts, are
     *         not "new")
     */
    boolean write(SyncRequest request, SyncResponse response);
}
