package dev.starling.server.storage;

/**
 * Told of every transaction {@link Database} ran (for metrics). Called on the caller's thread after the
 * commit or rollback: it must be quick and must not block.
 */
@FunctionalInterface
public interface TransactionListener {
    TransactionListener NONE = (write, committed, nanos) -> {};

    /**
     * @param write whether it was a read-write transaction ({@link Database#inTransaction})
     * @param committed false when it was rolled back (the work threw, or the commit failed)
     * @param nanos how long it took, waiting for a connection included
     */
    void finished(boolean write, boolean committed, long nanos);
}
