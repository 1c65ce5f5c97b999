package dev.starling.mesh.routing;

/** A selected route: to reach {@code destination}, send to {@code nextHop}; it is {@code metric} hops away. */
public record Route(PeerKey destination, PeerKey nextHop, int metric, int seqno) {}
