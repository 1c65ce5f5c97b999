package dev.starling.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.protocol.crypto.EventSigning;
import dev.starling.protocol.events.EventHashes;
import dev.starling.protocol.events.Pdu;
import dev.starling.protocol.json.CanonicalJson;
import dev.starling.protocol.rooms.RoomVersion;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-event work of the pipeline on a typical signed {@code m.room.message} ({@link TypicalEvent}), in
 * operations per second on one thread (a per-core figure): canonical encoding, content hash, event ID
 * (reference hash alone, and a full {@link Pdu} build from a JSON tree or from bytes, which checks the format
 * and computes the ID), signing and verifying.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Thread)
public class EventBenchmark {
    @Param({"V11", "V12"})
    public RoomVersion version;

    private ObjectNode unsignedEvent;
    /** {@link #unsignedEvent} as this server builds its own event: no {@code unsigned} yet. */
    private ObjectNode newEvent;
    private ObjectNode signedEvent;
    private byte[] signedBytes;

    @Setup
    public void setUp() {
        unsignedEvent = TypicalEvent.unsignedEvent(version);
        signedEvent = TypicalEvent.signedEvent(version);
        signedBytes = CanonicalJson.encode(signedEvent);
        newEvent = unsignedEvent.deepCopy();
        newEvent.remove("unsigned");
        if (!EventSigning.signNew(newEvent, version, TypicalEvent.SERVER, TypicalEvent.KEY).eventId()
                .equals(Pdu.fromJson(EventSigning.sign(newEvent, version, TypicalEvent.SERVER, TypicalEvent.KEY),
                        version).eventId())) {
            throw new IllegalStateException("signNew and sign + fromJson disagree");
        }
        int size = TypicalEvent.requireTypicalSize(signedEvent);
        // The benchmarks below must measure the successful path.
        EventSigning.verify(signedEvent, version, TypicalEvent.KEYS);
        if (!EventHashes.contentHashMatches(signedEvent)) {
            throw new IllegalStateException("the content hash does not match");
        }
        String id = "$" + EventHashes.referenceHashUrlSafe(signedEvent, version);
        if (!Pdu.fromJson(signedEvent, version).eventId().value().equals(id)
                || !Pdu.parse(signedBytes, version).eventId().value().equals(id)) {
            throw new IllegalStateException("Pdu computes another event ID than the reference hash " + id);
        }
        System.out.println("typical event, room version " + version.id() + ": " + size + " bytes of canonical JSON");
    }

    @Benchmark
    public byte[] canonicalEncode() {
        return CanonicalJson.encode(signedEvent);
    }

    @Benchmark
    public byte[] contentHash() {
        return EventHashes.contentHash(signedEvent);
    }

    /** The event ID alone: redact, canonical JSON, SHA-256, URL-safe base64. */
    @Benchmark
    public String eventId() {
        return EventHashes.referenceHashUrlSafe(signedEvent, version);
    }

    /** A received JSON tree to a checked {@link Pdu} with its computed event ID. */
    @Benchmark
    public Pdu pduFromJson() {
        return Pdu.fromJson(signedEvent, version);
    }

    /** Received bytes to a checked {@link Pdu}: strict parse, format checks, event ID. */
    @Benchmark
    public Pdu pduParseBytes() {
        return Pdu.parse(signedBytes, version);
    }

    /** Content hash, redaction and one ed25519 signature, as for an outgoing event. */
    @Benchmark
    public ObjectNode sign() {
        return EventSigning.sign(unsignedEvent, version, TypicalEvent.SERVER, TypicalEvent.KEY);
    }

    /** An event of our own before the one-pass signing: sign, then check and hash it again as a received one. */
    @Benchmark
    public Pdu signThenFromJson() {
        return Pdu.fromJson(EventSigning.sign(newEvent, version, TypicalEvent.SERVER, TypicalEvent.KEY), version);
    }

    /** An event of our own as EventBuilder makes it: content hash, signature, event ID and checks in one pass. */
    @Benchmark
    public Pdu signNew() {
        return EventSigning.signNew(newEvent, version, TypicalEvent.SERVER, TypicalEvent.KEY);
    }

    /** Redaction and verification of the sender server's signature, as for a received event. */
    @Benchmark
    public void verify() {
        EventSigning.verify(signedEvent, version, TypicalEvent.KEYS);
    }
}
