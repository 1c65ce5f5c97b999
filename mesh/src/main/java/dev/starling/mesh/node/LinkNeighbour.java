package dev.starling.mesh.node;

import dev.starling.mesh.link.Link;
import dev.starling.mesh.link.LinkClosedException;
import dev.starling.mesh.routing.Neighbour;
import dev.starling.mesh.routing.PeerKey;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Adapts a {@link Link} to the router's {@link Neighbour}: {@link #send} never blocks (the router's rule);
 * it queues the frame, prefixed with the routing {@link Channel} byte, for a virtual writer thread that
 * calls the blocking {@link Link#send}. A full queue drops the frame (data is retransmitted per hop,
 * routing state is reconciled by summaries).
 */
final class LinkNeighbour implements Neighbour {
    private static final System.Logger LOG = System.getLogger(LinkNeighbour.class.getName());
    static final int QUEUE = 1024;

    final Link link;
    private final PeerKey key;
    private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Thread writer;
    private volatile boolean running = true;

    LinkNeighbour(Link link) {
        this.link = link;
        this.key = new PeerKey(link.peer().publicKey());
        this.writer = Thread.ofVirtual().name("mesh-node-writer").start(this::write);
    }

    @Override
    public PeerKey key() {
        return key;
    }

    @Override
    public void send(byte[] frame) {
        if (!queue.offer(Channel.wrap(Channel.ROUTING, frame))) {
            LOG.log(System.Logger.Level.WARNING, "event=mesh_frame_dropped neighbour={0} reason=queue_full", key);
        }
    }

    void stop() {
        running = false;
        writer.interrupt();
    }

    private void write() {
        try {
            while (running) {
                byte[] frame = queue.take();
                link.send(frame);
            }
        } catch (InterruptedException | LinkClosedException e) {
            // the link is gone or replaced; the router hears of it through onLinkDown
        }
    }
}
