package dev.starling.mesh.routing;

import java.util.SplittableRandom;

/** Deterministic Ed25519 identities for routing tests. */
final class TestKeys {
    private TestKeys() {}

    static Ed25519SeqnoAuth auth(int n) {
        return Ed25519SeqnoAuth.generate(new SplittableRandom(1000 + n));
    }

    static PeerKey key(int n) {
        return auth(n).self();
    }
}
