package dev.starling.server.federation.keys;

import dev.starling.protocol.crypto.VerifyKey;
import dev.starling.protocol.id.ServerName;
import java.util.Optional;

/**
 * Server names that are their own key (P2P mesh nodes: the name is the Ed25519 public key in base32). For such
 * a name the {@link KeyRing} takes the key from the name and never fetches it; a key document fetched for it
 * (the notary) must publish exactly that key.
 */
@FunctionalInterface
public interface SelfCertifiedKeys {
    /** No name certifies itself (an internet homeserver). */
    SelfCertifiedKeys NONE = server -> Optional.empty();

    /** The one verify key {@code server}'s name stands for, with its key ID; empty for an ordinary name. */
    Optional<VerifyKey> keyOf(ServerName server);
}
