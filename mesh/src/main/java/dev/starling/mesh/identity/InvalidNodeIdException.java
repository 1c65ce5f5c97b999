package dev.starling.mesh.identity;

/** A node ID (a public key or a server name said to be one) that is not a valid Ed25519 node key. */
public final class InvalidNodeIdException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidNodeIdException(String message) {
        super(message);
    }
}
