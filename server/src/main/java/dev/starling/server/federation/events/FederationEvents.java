package dev.starling.server.federation.events;

import dev.starling.protocol.id.ServerName;
import dev.starling.server.federation.FederationClient;
import dev.starling.server.federation.InboundEdus;
import dev.starling.server.federation.keys.KeyRing;
import dev.starling.server.rooms.FederationReads;
import dev.starling.server.rooms.RemoteEvents;
import dev.starling.server.storage.Database;
import java.time.Clock;

/**
 * Room events over federation, wired: the inbound pipeline behind {@code /send} and the endpoints that serve
 * events to other servers. Built by {@link dev.starling.server.federation.Federation}.
 */
public final class FederationEvents implements AutoCloseable {
    private final SendApi sendApi;
    private final EventServingApi servingApi;

    public FederationEvents(ServerName serverName, Database db, KeyRing keyRing, FederationClient client,
            RemoteEvents remote, FederationReads reads, InboundEdus edus, Clock clock) {
        InboundPipeline pipeline = new InboundPipeline(remote, new PduSignatures(keyRing), new EventFetcher(client));
        this.sendApi = new SendApi(serverName, remote, pipeline, edus, new TransactionStore(db), clock);
        this.servingApi = new EventServingApi(serverName, reads, clock);
    }

    public SendApi sendApi() {
        return sendApi;
    }

    public EventServingApi servingApi() {
        return servingApi;
    }

    /** Stops what runs in the background (retries of refused PDUs); call before the database closes. */
    @Override
    public void close() {
        sendApi.close();
    }
}
