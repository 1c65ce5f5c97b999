package dev.starling.server.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.server.federation.net.Cidr;
import dev.starling.server.federation.net.IpBlocklist;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SECURITY.md item 21: the one outbound IP blocklist, as a table over addresses of every range. */
class IpBlocklistTest {
    @ParameterizedTest
    @ValueSource(strings = {
            "0.0.0.0", "0.1.2.3", "10.0.0.1", "10.255.255.255", "100.64.0.1", "100.127.255.254", "127.0.0.1",
            "127.255.255.254", "169.254.0.1", "169.254.169.254", "172.16.0.1", "172.31.255.255", "192.0.0.8",
            "192.0.2.1", "192.88.99.1", "192.168.0.1", "192.168.255.255", "198.18.0.1", "198.19.255.255",
            "198.51.100.7", "203.0.113.9", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
            "::", "::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:192.168.1.1", "::127.0.0.1",
            "64:ff9b::7f00:1", "100::1", "2001:db8::1", "2001::1", "2002::1", "fc00::1", "fd12:3456::1",
            "fe80::1", "febf::1", "fec0::1", "ff02::1", "ff0e::1"})
    void blocksEveryPrivateLoopbackLinkLocalMulticastAndDocumentationAddress(String address) throws Exception {
        assertThat(IpBlocklist.strict().isBlocked(InetAddress.getByName(address))).as(address).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "172.32.0.1", "172.15.255.255", "100.128.0.1", "192.169.0.1",
            "11.0.0.1", "2606:4700:4700::1111", "2a00:1450:4001::1", "::ffff:8.8.8.8"})
    void allowsPublicAddresses(String address) throws Exception {
        assertThat(IpBlocklist.strict().isBlocked(InetAddress.getByName(address))).as(address).isFalse();
    }

    @Test
    void anAllowListExemptsOnlyItsNetworks() throws Exception {
        IpBlocklist tests = IpBlocklist.allowing(List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128")));
        assertThat(tests.isBlocked(InetAddress.getByName("127.0.0.1"))).isFalse();
        assertThat(tests.isBlocked(InetAddress.getByName("::ffff:127.0.0.2"))).isFalse();
        assertThat(tests.isBlocked(InetAddress.getByName("::1"))).isFalse();
        assertThat(tests.isBlocked(InetAddress.getByName("10.0.0.1"))).isTrue();
        assertThat(tests.isBlocked(InetAddress.getByName("fe80::1"))).isTrue();
        assertThat(tests.blockedBy(InetAddress.getByName("192.168.1.1")).orElseThrow().toString())
                .isEqualTo("192.168.0.0/16");
    }

    @Test
    void cidrAcceptsOnlyIpLiterals() {
        assertThat(Cidr.parse("10.0.0.0/8").contains(InetAddressOf("10.200.1.1"))).isTrue();
        assertThat(Cidr.parse("172.16.0.0/12").contains(InetAddressOf("172.32.0.1"))).isFalse();
        assertThat(Cidr.parse("fe80::/10").contains(InetAddressOf("febf::1"))).isTrue();
        assertThatThrownBy(() -> Cidr.parse("localhost/8")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/x")).isInstanceOf(IllegalArgumentException.class);
    }

    private static InetAddress InetAddressOf(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
