package dev.starling.mesh.identity;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * A node's long-term identity: an Ed25519 key pair (BouncyCastle). The public half is the {@link NodeId};
 * the private half never leaves this object except into the key file, which is written with permissions
 * 0600. {@link #toString()} shows only the public key.
 *
 * <p>Key file format (text, one line): {@code starling-node-key-v1 ed25519 <base64 of the 32-byte seed>}.
 * Thread-safe.
 */
public final class NodeIdentity {
    static final String FILE_HEADER = "starling-node-key-v1 ed25519 ";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Ed25519PrivateKeyParameters privateKey;
    private final NodeId nodeId;

    private NodeIdentity(Ed25519PrivateKeyParameters privateKey) {
        this.privateKey = privateKey;
        this.nodeId = NodeId.of(privateKey.generatePublicKey().getEncoded());
    }

    /** A fresh random identity. */
    public static NodeIdentity generate(SecureRandom random) {
        return new NodeIdentity(new Ed25519PrivateKeyParameters(random));
    }

    /** A fresh identity from the platform's strong random source. */
    public static NodeIdentity generate() {
        return generate(new SecureRandom());
    }

    /** An identity from a 32-byte seed (tests and deterministic simulations). */
    public static NodeIdentity fromSeed(byte[] seed) {
        if (seed.length != Ed25519PrivateKeyParameters.KEY_SIZE) {
            throw new IllegalArgumentException("an Ed25519 seed is 32 bytes");
        }
        return new NodeIdentity(new Ed25519PrivateKeyParameters(seed, 0));
    }

    /** Loads the key file, or creates it with a new identity when it does not exist yet. */
    public static NodeIdentity loadOrCreate(Path file) throws IOException {
        if (Files.exists(file)) {
            return load(file);
        }
        NodeIdentity identity = generate();
        try {
            identity.save(file);
        } catch (FileAlreadyExistsException raced) {
            return load(file);
        }
        return identity;
    }

    /** Loads a key file written by {@link #save}; refuses a file others may read. */
    public static NodeIdentity load(Path file) throws IOException {
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (!OWNER_ONLY.containsAll(permissions)) {
                throw new IOException("node key file " + file + " is readable by others ("
                        + PosixFilePermissions.toString(permissions) + "); expected rw-------");
            }
        }
        byte[] raw = Files.readAllBytes(file);
        try {
            String text = new String(raw, StandardCharsets.US_ASCII).strip();
            if (!text.startsWith(FILE_HEADER)) {
                throw new IOException("node key file " + file + " does not start with '" + FILE_HEADER.strip() + "'");
            }
            byte[] seed;
            try {
                seed = Base64.getDecoder().decode(text.substring(FILE_HEADER.length()));
            } catch (IllegalArgumentException e) {
                throw new IOException("node key file " + file + " holds malformed base64");
            }
            try {
                if (seed.length != Ed25519PrivateKeyParameters.KEY_SIZE) {
                    throw new IOException("node key file " + file + " holds " + seed.length + " bytes, expected 32");
                }
                return fromSeed(seed);
            } finally {
                Arrays.fill(seed, (byte) 0);
            }
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /**
     * Writes the key file with permissions 0600 (set at creation, so the key is never readable by others even
     * for a moment); refuses to overwrite an existing file.
     */
    public void save(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        boolean posix = Files.getFileStore(dir == null ? file : dir).supportsFileAttributeView("posix");
        Path temp = file.resolveSibling(file.getFileName() + ".tmp-" + System.nanoTime());
        byte[] seed = privateKey.getEncoded();
        byte[] line = (FILE_HEADER + Base64.getEncoder().encodeToString(seed) + "\n").getBytes(StandardCharsets.US_ASCII);
        try {
            if (posix) {
                Files.createFile(temp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } else {
                Files.createFile(temp);
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(line));
                channel.force(true);
            }
            if (Files.exists(file)) {
                throw new FileAlreadyExistsException(file.toString());
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Arrays.fill(seed, (byte) 0);
            Arrays.fill(line, (byte) 0);
            Files.deleteIfExists(temp);
        }
    }

    public NodeId nodeId() {
        return nodeId;
    }

    /** Signs a message with the node key (deterministic Ed25519, RFC 8032). */
    public byte[] sign(byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, privateKey);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    /**
     * A copy of the 32-byte private seed, for the one other user of the same key: the embedded homeserver
     * of {@code starling node}, whose Matrix signing key must be the node key (its server name is that key).
     * Never log or store it elsewhere.
     */
    public byte[] exportSeed() {
        return privateKey.getEncoded();
    }

    @Override
    public String toString() {
        return "NodeIdentity[" + nodeId.serverName() + "]";
    }
}
