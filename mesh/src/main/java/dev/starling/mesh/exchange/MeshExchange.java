package dev.starling.mesh.exchange;

import dev.starling.mesh.identity.NodeId;
import dev.starling.mesh.identity.NodeIdentity;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Requests and responses between nodes over a {@link MeshSender}: each message is split into fragments that
 * fit a DATA frame, reassembled at the other end (in any order, each index once), decoded strictly and
 * handed to the {@link Handler} (a request) or to the waiting caller (a response). Anything malformed, too
 * large, unexpected or late is dropped and logged; nothing a peer sends can make this throw.
 *
 * <p>Built with the node's {@link NodeIdentity}, every message is signed end to end ({@link ExchangeSeal}) and
 * every message received must carry its sender's signature: use this over a multi-hop carrier, where relays
 * see the messages; a direct, mutually authenticated link ({@link DirectLinks}) does not need it. Both ends
 * must agree.
 */
public final class MeshExchange implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MeshExchange.class.getName());

    /** Serves a request from another node; runs on a virtual thread of its own. */
    @FunctionalInterface
    public interface Handler {
        MeshResponse handle(NodeId from, MeshRequest request);
    }

    /**
     * @param maxMessageBytes the largest request accepted and the largest response ever accepted
     * @param reassemblyTimeout how long the fragments of one message may take to arrive
     * @param maxPartialPerPeer messages of one peer being reassembled at once
     * @param maxHandlingPerPeer requests of one peer being served at once
     */
    public record Limits(int maxMessageBytes, Duration reassemblyTimeout, int maxPartialPerPeer,
            int maxHandlingPerPeer) {
        public Limits {
            if (maxMessageBytes < 1024 || reassemblyTimeout.isNegative() || reassemblyTimeout.isZero()
                    || maxPartialPerPeer < 1 || maxHandlingPerPeer < 1) {
                throw new IllegalArgumentException("bad exchange limits");
            }
        }

        /** 17 MiB messages (above federation's 16 MiB answer cap), 30 s, 16 partial, 16 served per peer. */
        public static Limits defaults() {
            return new Limits(17 * 1024 * 1024, Duration.ofSeconds(30), 16, 16);
        }
    }

    private record Key(NodeId node, byte kind, long id) {}

    private static final class Partial {
        final byte[][] chunks;
        final long startedNanos = System.nanoTime();
        final long limit;
        int received;
        long bytes;

        Partial(int count, long limit) {
            this.chunks = new byte[count][];
            this.limit = limit;
        }
    }

    private record Pending(NodeId node, long maxBytes, CompletableFuture<MeshResponse> answer) {}

    private final MeshSender sender;
    private final Limits limits;
    private final SecureRandom random = new SecureRandom();
    private final Map<Key, Partial> partial = new ConcurrentHashMap<>();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final Map<NodeId, Semaphore> handling = new ConcurrentHashMap<>();
    private volatile Handler handler = (from, request) -> new MeshResponse(404, new byte[0]);
    private final NodeIdentity self;
    private volatile boolean closed;

    /** Unsigned messages: for a carrier whose links already prove the peer (e.g. {@link DirectLinks}). */
    public MeshExchange(MeshSender sender, Limits limits) {
        this.sender = sender;
        this.limits = limits;
        this.self = null;
    }

    /** Messages signed by {@code self} and checked end to end: for a multi-hop carrier. */
    public MeshExchange(MeshSender sender, Limits limits, NodeIdentity self) {
        this.sender = sender;
        this.limits = limits;
        this.self = self;
    }

    private int sealBytes() {
        return self == null ? 0 : NodeId.SIGNATURE_BYTES;
    }

    /** Sets who serves inbound requests (until then every request is answered 404). */
    public void serve(Handler newHandler) {
        this.handler = newHandler;
    }

    /**
     * Sends {@code request} to {@code node} and waits for its answer.
     *
     * @param maxResponseBytes the largest answer body accepted (the answer is dropped as soon as it exceeds it)
     * @throws ExchangeException unreachable, timed out, answer too large, or closed
     */
    public MeshResponse request(NodeId node, MeshRequest request, Duration timeout, long maxResponseBytes)
            throws ExchangeException {
        if (closed) {
            throw new ExchangeException("exchange closed");
        }
        long id = random.nextLong();
        byte[] message = ExchangeCodec.encodeRequest(request);
        if (self != null) {
            message = ExchangeSeal.seal(self, ExchangeCodec.KIND_REQUEST, id, node, message);
        }
        if (message.length > limits.maxMessageBytes()) {
            throw new ExchangeException("request of " + message.length + " bytes is over the limit");
        }
        Pending waiting = new Pending(node, Math.min(maxResponseBytes + 6 + sealBytes(), limits.maxMessageBytes()),
                new CompletableFuture<>());
        pending.put(id, waiting);
        try {
            for (byte[] fragment : ExchangeCodec.fragments(ExchangeCodec.KIND_REQUEST, id, message,
                    sender.maxPayload())) {
                sender.send(node, fragment);
            }
            return waiting.answer().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            throw new ExchangeException("node " + node.shortName() + " unreachable: " + e.getMessage(), e);
        } catch (TimeoutException e) {
            throw new ExchangeException("no answer from node " + node.shortName() + " within " + timeout);
        } catch (ExecutionException e) {
            throw new ExchangeException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExchangeException("interrupted");
        } finally {
            pending.remove(id);
        }
    }

    /** One message from {@code from} as the carrier delivered it (a DATA frame's payload). */
    public void onMessage(NodeId from, byte[] payload) {
        if (closed || payload.length == 0 || payload[0] != ExchangeCodec.CHANNEL) {
            return; // another layer's frame
        }
        try {
            receive(from, ExchangeCodec.parseFragment(payload));
        } catch (MalformedMessageException e) {
            refused(from, e.getMessage());
        }
    }

    private void receive(NodeId from, ExchangeCodec.Fragment fragment) throws MalformedMessageException {
        long limit;
        if (fragment.kind() == ExchangeCodec.KIND_RESPONSE) {
            Pending waiting = pending.get(fragment.id());
            if (waiting == null || !waiting.node().equals(from)) {
                throw new MalformedMessageException("response to no request of ours");
            }
            limit = waiting.maxBytes();
        } else {
            limit = limits.maxMessageBytes();
        }
        byte[] message;
        if (fragment.count() == 1) {
            message = fragment.chunk();
            if (message.length > limit) {
                fail(fragment, "message over the limit");
            }
        } else {
            message = reassemble(from, fragment, limit);
            if (message == null) {
                return;
            }
        }
        if (self != null) {
            try {
                message = ExchangeSeal.open(from, fragment.kind(), fragment.id(), self.nodeId(), message);
            } catch (MalformedMessageException e) {
                fail(fragment, e.getMessage());
            }
        }
        if (fragment.kind() == ExchangeCodec.KIND_RESPONSE) {
            Pending waiting = pending.get(fragment.id());
            if (waiting != null) {
                waiting.answer().complete(ExchangeCodec.decodeResponse(message));
            }
        } else {
            MeshRequest request = ExchangeCodec.decodeRequest(message);
            dispatch(from, fragment.id(), request);
        }
    }

    private byte[] reassemble(NodeId from, ExchangeCodec.Fragment fragment, long limit)
            throws MalformedMessageException {
        sweep();
        Key key = new Key(from, fragment.kind(), fragment.id());
        Partial part = partial.get(key);
        if (part == null) {
            long ofPeer = partial.keySet().stream().filter(k -> k.node().equals(from)).count();
            if (ofPeer >= limits.maxPartialPerPeer()) {
                throw new MalformedMessageException("too many messages in reassembly");
            }
            part = new Partial(fragment.count(), limit);
            Partial raced = partial.putIfAbsent(key, part);
            part = raced == null ? part : raced;
        }
        synchronized (part) {
            if (part.chunks.length != fragment.count()) {
                partial.remove(key);
                fail(fragment, "fragment count changed");
            }
            if (part.chunks[fragment.index()] != null) {
                partial.remove(key);
                fail(fragment, "fragment repeated");
            }
            part.bytes += fragment.chunk().length;
            if (part.bytes > part.limit) {
                partial.remove(key);
                fail(fragment, "message over the limit");
            }
            part.chunks[fragment.index()] = fragment.chunk();
            part.received++;
            if (part.received < part.chunks.length) {
                return null;
            }
            partial.remove(key);
            byte[] message = new byte[(int) part.bytes];
            int at = 0;
            for (byte[] chunk : part.chunks) {
                System.arraycopy(chunk, 0, message, at, chunk.length);
                at += chunk.length;
            }
            return message;
        }
    }

    private void fail(ExchangeCodec.Fragment fragment, String problem) throws MalformedMessageException {
        if (fragment.kind() == ExchangeCodec.KIND_RESPONSE) {
            Pending waiting = pending.get(fragment.id());
            if (waiting != null) {
                waiting.answer().completeExceptionally(new ExchangeException("answer refused: " + problem));
            }
        }
        throw new MalformedMessageException(problem);
    }

    /** Drops messages whose fragments took longer than the reassembly timeout. */
    private void sweep() {
        long now = System.nanoTime();
        long timeout = limits.reassemblyTimeout().toNanos();
        for (Iterator<Map.Entry<Key, Partial>> it = partial.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, Partial> entry = it.next();
            if (now - entry.getValue().startedNanos > timeout) {
                it.remove();
                LOG.log(System.Logger.Level.INFO, "event=exchange_message_expired peer={0}",
                        entry.getKey().node().shortName());
            }
        }
    }

    private void dispatch(NodeId from, long id, MeshRequest request) throws MalformedMessageException {
        Semaphore slots = handling.computeIfAbsent(from, n -> new Semaphore(limits.maxHandlingPerPeer()));
        if (!slots.tryAcquire()) {
            throw new MalformedMessageException("too many requests being served");
        }
        Thread.ofVirtual().name("mesh-exchange-serve").start(() -> {
            try {
                MeshResponse response;
                try {
                    response = handler.handle(from, request);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "event=exchange_handler_failed peer={0} error={1}",
                            from.shortName(), e.toString());
                    response = new MeshResponse(500, new byte[0]);
                }
                byte[] answer = ExchangeCodec.encodeResponse(response);
                if (self != null) {
                    answer = ExchangeSeal.seal(self, ExchangeCodec.KIND_RESPONSE, id, from, answer);
                }
                for (byte[] fragment : ExchangeCodec.fragments(ExchangeCodec.KIND_RESPONSE, id, answer,
                        sender.maxPayload())) {
                    sender.send(from, fragment);
                }
            } catch (IOException | IllegalArgumentException e) {
                LOG.log(System.Logger.Level.INFO, "event=exchange_answer_lost peer={0} error={1}",
                        from.shortName(), e.getMessage());
            } finally {
                slots.release();
            }
        });
    }

    private static void refused(NodeId from, String problem) {
        LOG.log(System.Logger.Level.INFO, "event=exchange_message_refused peer={0} problem={1}",
                from.shortName(), problem);
    }

    /** Fails every waiting request; later messages are ignored. */
    @Override
    public void close() {
        closed = true;
        pending.values().forEach(p -> p.answer().completeExceptionally(new ExchangeException("exchange closed")));
        partial.clear();
    }
}
