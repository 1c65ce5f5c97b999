package dev.starling.mesh.exchange;

import dev.starling.mesh.identity.NodeId;
import dev.starling.mesh.link.CloseReason;
import dev.starling.mesh.link.Link;
import dev.starling.mesh.link.LinkClosedException;
import dev.starling.mesh.link.LinkListener;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * A {@link MeshSender} over direct links only: a message to a node goes over the open link to that node, or
 * fails at once. It learns the links as a {@link LinkListener} (give it to the transport, or call it from the
 * node's listener) and hands every DATA frame on to {@code onData}.
 */
public final class DirectLinks implements MeshSender, LinkListener {
    private static final System.Logger LOG = System.getLogger(DirectLinks.class.getName());

    private final Map<NodeId, Link> links = new ConcurrentHashMap<>();
    private final int maxPayload;
    private volatile BiConsumer<NodeId, byte[]> onData = (node, bytes) -> { };

    /** @param maxPayload the links' DATA limit (e.g. {@code LinkConfig.maxPayload()}) */
    public DirectLinks(int maxPayload) {
        this.maxPayload = maxPayload;
    }

    /** Where DATA frames go (e.g. {@link MeshExchange#onMessage}). */
    public void onData(BiConsumer<NodeId, byte[]> receiver) {
        this.onData = receiver;
    }

    /** The nodes with an open link now. */
    public Set<NodeId> neighbours() {
        return Set.copyOf(links.keySet());
    }

    @Override
    public void send(NodeId node, byte[] payload) throws IOException {
        Link link = links.get(node);
        if (link == null || !link.isOpen()) {
            throw new IOException("no link to node " + node.shortName());
        }
        try {
            link.send(payload);
        } catch (LinkClosedException e) {
            throw new IOException("link to node " + node.shortName() + " closed", e);
        }
    }

    @Override
    public int maxPayload() {
        return maxPayload;
    }

    @Override
    public void onLinkUp(Link link) {
        Link previous = links.put(link.peer(), link);
        LOG.log(System.Logger.Level.INFO, "event=peer_up peer={0} transport={1} address={2} replaced={3}",
                link.peer().serverName(), link.transport(), link.remoteAddress(), previous != null);
    }

    @Override
    public void onData(Link link, byte[] payload) {
        onData.accept(link.peer(), payload);
    }

    @Override
    public void onLinkDown(Link link, CloseReason reason) {
        boolean removed = links.remove(link.peer(), link);
        LOG.log(System.Logger.Level.INFO, "event=peer_down peer={0} reason={1} was_current={2}",
                link.peer().serverName(), reason, removed);
    }
}
