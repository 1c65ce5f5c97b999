package dev.starling.mesh.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.mesh.identity.NodeIdentity;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class BeaconTest {
    private static final byte[] TOKEN = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");

    @Test
    void roundTripsWithTheDocumentedLayout() {
        Beacon beacon = new Beacon(7001, TOKEN);
        byte[] wire = beacon.encode();
        assertThat(HexFormat.of().formatHex(wire)).isEqualTo("5354524c" + "01" + "00" + "1b59" + HexFormat.of().formatHex(TOKEN));
        assertThat(wire).hasSize(Beacon.SIZE).hasSize(24);
        assertThat(Beacon.parse(wire, 0, wire.length)).contains(beacon);
    }

    @Test
    void carriesNoIdentityNorName() {
        NodeIdentity node = NodeIdentity.generate();
        byte[] wire = new Beacon(7001, TOKEN).encode();
        byte[] key = node.nodeId().publicKey();
        // Nothing but magic, version, flags, port and a random token: no key bytes, no server name.
        assertThat(indexOf(wire, Arrays.copyOf(key, 4))).isNegative();
        assertThat(new String(wire, StandardCharsets.ISO_8859_1)).doesNotContain(node.nodeId().shortName());
        assertThat(Beacon.class.getRecordComponents()).extracting(c -> c.getName()).containsExactly("tcpPort", "token");
    }

    @Test
    void refusesEverythingElse() {
        byte[] good = new Beacon(7001, TOKEN).encode();
        assertThat(Beacon.parse(Arrays.copyOf(good, 23), 0, 23)).isEmpty();
        assertThat(Beacon.parse(Arrays.copyOf(good, 25), 0, 25)).isEmpty();
        for (int index : new int[] {0, 3, 4, 5}) {
            byte[] bad = good.clone();
            bad[index] ^= 1;
            assertThat(Beacon.parse(bad, 0, bad.length)).as("byte %d changed", index).isEmpty();
        }
        byte[] portZero = good.clone();
        portZero[6] = 0;
        portZero[7] = 0;
        assertThat(Beacon.parse(portZero, 0, 24)).isEmpty();
        assertThat(Beacon.parse(good, 1, 24)).isEmpty();
        assertThat(Beacon.parse(good, -1, 24)).isEmpty();
        assertThat(Beacon.parse(null, 0, 24)).isEmpty();
        assertThatThrownBy(() -> new Beacon(0, TOKEN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Beacon(1, new byte[15])).isInstanceOf(IllegalArgumentException.class);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
