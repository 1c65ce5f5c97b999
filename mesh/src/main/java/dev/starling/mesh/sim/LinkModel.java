package dev.starling.mesh.sim;

/**
 * How simulated links behave.
 *
 * @param latencyMillis one-way propagation and processing delay per frame
 * @param bytesPerMilli link throughput (frames on one direction of a link are serialised)
 * @param loss probability that a frame is lost (independently per frame)
 * @param detectUpMillis from radio contact to an authenticated link (discovery plus handshake)
 * @param detectDownMillis from losing radio contact to the link layer reporting the link down (keepalive timeout)
 * @param frameOverhead bytes the link layer adds to every frame (assumed: 2-byte length and 16-byte AEAD tag)
 */
public record LinkModel(long latencyMillis, double bytesPerMilli, double loss, long detectUpMillis,
        long detectDownMillis, int frameOverhead) {

    public static LinkModel defaults() {
        return new LinkModel(10, 250.0, 0.01, 500, 1000, 18);
    }

    public LinkModel withLoss(double l) {
        return new LinkModel(latencyMillis, bytesPerMilli, l, detectUpMillis, detectDownMillis, frameOverhead);
    }

    public LinkModel withDetection(long up, long down) {
        return new LinkModel(latencyMillis, bytesPerMilli, loss, up, down, frameOverhead);
    }
}
