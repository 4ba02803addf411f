package io.herald.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class OutboundGuardTest {

    private final OutboundGuard guard = new OutboundGuard(List.of());

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.8.8.8", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
            "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "198.18.0.1",
            "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
            "::ffff:169.254.169.254", "::127.0.0.1", "64:ff9b::a00:1", "64:ff9b::7f00:1", "2001:db8::1"})
    void shouldRefuseInternalAddresses(String address) throws UnknownHostException {
        assertThat(OutboundGuard.isInternal(InetAddress.getByName(address))).isTrue();
        String host = address.contains(":") ? "[" + address + "]" : address;
        assertThat(guard.refusal(URI.create("https://" + host + "/hook"))).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111", "64:ff9b::808:808"})
    void shouldLetPublicAddressesThrough(String address) throws UnknownHostException {
        assertThat(OutboundGuard.isInternal(InetAddress.getByName(address))).isFalse();
    }

    @Test
    void shouldLetAnAllowedNetworkThrough() {
        OutboundGuard local = new OutboundGuard(List.of("127.0.0.0/8", "::1/128"));

        assertThat(local.refusal(URI.create("http://127.0.0.1:8080/hook"))).isEmpty();
        assertThat(local.refusal(URI.create("http://[::1]:8080/hook"))).isEmpty();
        assertThat(local.refusal(URI.create("http://10.0.0.1/hook"))).get().asString().contains("10.0.0.1");
    }

    /** What the HTTP client asks when it connects: every internal class is refused, literal or behind a name. */
    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
            "0.0.0.0", "224.0.0.1", "::1", "::", "fe80::1", "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:7f00:1",
            "::ffff:169.254.169.254", "64:ff9b::7f00:1"})
    void shouldRefuseToConnectToEachInternalAddressClass(String address) {
        String literal = address.contains(":") ? "[" + address + "]" : address;
        assertThatThrownBy(() -> guard.addressesToConnect(literal)).isInstanceOf(AddressRefusedException.class)
                .hasMessageContaining("internal address");
        OutboundGuard named = new OutboundGuard(List.of(), ScriptedResolver.resolving("victim.test", address));
        assertThatThrownBy(() -> named.addressesToConnect("victim.test")).isInstanceOf(AddressRefusedException.class);
    }

    @Test
    void shouldRefuseToConnectToAHostNameThatResolvesToLoopback() {
        assertThatThrownBy(() -> guard.addressesToConnect("localhost")).isInstanceOf(AddressRefusedException.class)
                .hasMessageContaining("internal address");
    }

    @Test
    void shouldCheckTheAnswerGivenAtConnectTimeNotTheOneGivenEarlier() throws UnknownHostException {
        OutboundGuard rebound = new OutboundGuard(List.of(), ScriptedResolver.rebinding("rebind.test", "93.184.216.34", "127.0.0.1"));

        assertThat(rebound.refusal(URI.create("https://rebind.test/hook"))).as("the first answer is public").isEmpty();
        assertThatThrownBy(() -> rebound.addressesToConnect("rebind.test")).isInstanceOf(AddressRefusedException.class)
                .hasMessageContaining("127.0.0.1");
    }

    @Test
    void shouldReturnTheAddressesOfAPublicOrAllowedHost() throws UnknownHostException {
        OutboundGuard local = new OutboundGuard(List.of("127.0.0.0/8"), ScriptedResolver.resolving("hooks.test", "127.0.0.2"));

        assertThat(local.addressesToConnect("hooks.test")).extracting(InetAddress::getHostAddress).containsExactly("127.0.0.2");
        assertThat(guard.addressesToConnect("93.184.216.34")).extracting(InetAddress::getHostAddress).containsExactly("93.184.216.34");
        assertThat(guard.addressesToConnect("[2606:4700:4700::1111]")).hasSize(1);
    }

    @Test
    void shouldRefuseAMalformedAllowedNetwork() {
        assertThatThrownBy(() -> new OutboundGuard(List.of("127.0.0.0/40"))).hasMessageContaining("127.0.0.0/40");
        assertThatThrownBy(() -> new OutboundGuard(List.of("not an address"))).hasMessageContaining("not an address");
    }
}
