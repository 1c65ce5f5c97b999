/**
 * The P2P mesh: a node's identity is its Ed25519 key and its Matrix server name is derived from it; nodes
 * find each other on the LAN, talk over mutually authenticated encrypted links, route over several hops and
 * hold messages for peers that are away; federation between nodes travels over it.
 */
package dev.starling.mesh;
