package dev.starling.mesh.link;

import dev.starling.mesh.identity.NodeId;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A LinkListener that records everything, for tests. */
final class Recorder implements LinkListener {
    record Down(NodeId peer, CloseReason reason) {
    }

    final BlockingQueue<Link> up = new LinkedBlockingQueue<>();
    final BlockingQueue<String> data = new LinkedBlockingQueue<>();
    final BlockingQueue<Down> down = new LinkedBlockingQueue<>();

    @Override
    public void onLinkUp(Link link) {
        up.add(link);
    }

    @Override
    public void onData(Link link, byte[] payload) {
        data.add(new String(payload, java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public void onLinkDown(Link link, CloseReason reason) {
        down.add(new Down(link.peer(), reason));
    }

    Link nextUp() throws InterruptedException {
        Link link = up.poll(5, TimeUnit.SECONDS);
        if (link == null) {
            throw new AssertionError("no link came up");
        }
        return link;
    }

    Down nextDown(long seconds) throws InterruptedException {
        Down d = down.poll(seconds, TimeUnit.SECONDS);
        if (d == null) {
            throw new AssertionError("no link went down");
        }
        return d;
    }

    String nextData() throws InterruptedException {
        String s = data.poll(5, TimeUnit.SECONDS);
        if (s == null) {
            throw new AssertionError("no data arrived");
        }
        return s;
    }
}
