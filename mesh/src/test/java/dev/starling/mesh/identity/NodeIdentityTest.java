package dev.starling.mesh.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.protocol.id.ServerName;
import dev.starling.protocol.id.UserId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeIdentityTest {
    @TempDir
    Path dir;

    @Test
    void serverNameIsLowercaseBase32OfTheKeyAndParsesBack() {
        NodeIdentity node = NodeIdentity.generate();
        ServerName name = node.nodeId().serverName();
        assertThat(name.value()).hasSize(52).matches("[a-z2-7]{52}");
        assertThat(name.port()).isEmpty();
        assertThat(ServerName.parse(name.value())).isEqualTo(name);
        assertThat(NodeId.fromServerName(name)).isEqualTo(node.nodeId());
        assertThat(NodeId.isNodeServerName(name)).isTrue();
        assertThat(UserId.parse("@alice:" + name.value()).server()).isEqualTo(name);
    }

    @Test
    void knownKeyGivesAKnownName() {
        // RFC 8032 test 1: secret key 9d61...7f60, public key d75a...511a.
        NodeIdentity node = NodeIdentity.fromSeed(HexFormat.of().parseHex(
                "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
        assertThat(node.nodeId().toHex()).isEqualTo("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        assertThat(node.nodeId().serverName().value()).isEqualTo("25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkena"); // as Python base64.b32encode, lowercased
    }

    @Test
    void nonCanonicalAndForeignNamesAreRefused() {
        String good = NodeIdentity.generate().nodeId().serverName().value();
        for (String bad : new String[] {good.toUpperCase(), good + ":8448", good.substring(1), good + "a",
            good.substring(0, 51) + "1", "localhost", "", good.substring(0, 51) + "r"}) {
            assertThatThrownBy(() -> NodeId.fromServerName(bad)).as(bad).isInstanceOf(InvalidNodeIdException.class);
        }
        assertThat(NodeId.isNodeServerName(ServerName.parse("example.org"))).isFalse();
    }

    @Test
    void weakAndMalformedKeysAreRefused() {
        assertThatThrownBy(() -> NodeId.of(new byte[31])).isInstanceOf(InvalidNodeIdException.class);
        byte[] identity = new byte[32];
        identity[0] = 1; // the neutral point: small order, every "signature" verifies
        assertThatThrownBy(() -> NodeId.of(identity)).isInstanceOf(InvalidNodeIdException.class);
        assertThatThrownBy(() -> NodeId.fromServerName("a".repeat(52))).isInstanceOf(InvalidNodeIdException.class);
    }

    @Test
    void signaturesVerifyOnlyForTheSignerAndMessage() {
        NodeIdentity a = NodeIdentity.generate();
        NodeIdentity b = NodeIdentity.generate();
        byte[] signature = a.sign("hello".getBytes());
        assertThat(a.nodeId().verify("hello".getBytes(), signature)).isTrue();
        assertThat(a.nodeId().verify("hellO".getBytes(), signature)).isFalse();
        assertThat(b.nodeId().verify("hello".getBytes(), signature)).isFalse();
        assertThat(a.nodeId().verify("hello".getBytes(), new byte[63])).isFalse();
    }

    @Test
    void keyFileRoundTripsWithOwnerOnlyPermissions() throws IOException {
        NodeIdentity node = NodeIdentity.generate();
        Path file = dir.resolve("keys/node.key");
        node.save(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        NodeIdentity loaded = NodeIdentity.load(file);
        assertThat(loaded.nodeId()).isEqualTo(node.nodeId());
        assertThat(loaded.sign("x".getBytes())).isEqualTo(node.sign("x".getBytes()));
        assertThatThrownBy(() -> node.save(file)).isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
        assertThat(NodeIdentity.loadOrCreate(file).nodeId()).isEqualTo(node.nodeId());
        assertThat(Files.list(file.getParent())).containsExactly(file);
    }

    @Test
    void loadOrCreateMakesOneIdentityAndKeepsIt() throws IOException {
        Path file = dir.resolve("node.key");
        NodeId first = NodeIdentity.loadOrCreate(file).nodeId();
        assertThat(NodeIdentity.loadOrCreate(file).nodeId()).isEqualTo(first);
    }

    @Test
    void aKeyFileReadableByOthersOrMalformedIsRefused() throws IOException {
        Path file = dir.resolve("node.key");
        NodeIdentity.generate().save(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> NodeIdentity.load(file)).isInstanceOf(IOException.class).hasMessageContaining("readable by others");

        for (String content : new String[] {"garbage", NodeIdentity.FILE_HEADER + "!!!",
            NodeIdentity.FILE_HEADER + Base64.getEncoder().encodeToString(new byte[31])}) {
            Path bad = dir.resolve("bad-" + content.length());
            Files.writeString(bad, content);
            Files.setPosixFilePermissions(bad, PosixFilePermissions.fromString("rw-------"));
            assertThatThrownBy(() -> NodeIdentity.load(bad)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void toStringShowsNoPrivateMaterial() throws IOException {
        byte[] seed = HexFormat.of().parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        NodeIdentity node = NodeIdentity.fromSeed(seed);
        String text = node.toString() + node.nodeId();
        assertThat(text).contains(node.nodeId().serverName().value());
        assertThat(text.toLowerCase()).doesNotContain("9d61b19d").doesNotContain(Base64.getEncoder().encodeToString(seed).substring(0, 12));
        Path file = dir.resolve("node.key");
        node.save(file);
        assertThat(Files.readString(file)).contains(Base64.getEncoder().encodeToString(seed)); // only the file holds it
    }
}
