package dev.starling.mesh.exchange;

/** A fragment or a reassembled message broke the exchange's wire format; it is dropped and logged. */
final class MalformedMessageException extends Exception {
    MalformedMessageException(String problem) {
        super(problem, null, false, false);
    }
}
