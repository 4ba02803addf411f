package io.herald.subscriptions;

import java.net.IDN;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Keeps Herald's outbound requests (handshakes and deliveries) away from the inside of the
 * network: loopback, private, link-local (which holds cloud metadata services), unique-local,
 * multicast, unspecified and other special-purpose addresses, in IPv4 and IPv6 — including
 * IPv4-mapped and -compatible IPv6 forms and NAT64 — unless an allow-list names the network.
 *
 * <p>{@link OutboundHttp} asks {@link #addressesToConnect} for the addresses of every connection
 * it opens, so the addresses checked are the addresses connected to: a name whose DNS answer
 * changes after an earlier check (rebinding) is still refused. A host is refused if any address
 * it resolves to is internal (docs/adr/0007-outbound-guard.md).
 */
public final class OutboundGuard {

    /** Turns a host name (or an IP literal) into addresses; the system's DNS unless a test supplies another. */
    @FunctionalInterface
    public interface Resolver {

        Resolver SYSTEM = InetAddress::getAllByName;

        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final List<Network> allowed;
    private final Resolver resolver;

    /** @param allowedNetworks CIDRs (e.g. {@code 127.0.0.0/8}, {@code ::1/128}) reachable even though internal */
    public OutboundGuard(List<String> allowedNetworks) {
        this(allowedNetworks, Resolver.SYSTEM);
    }

    /** With another resolver: tests use it to give a name the answers a rebinding DNS server would. */
    public OutboundGuard(List<String> allowedNetworks, Resolver resolver) {
        this.allowed = allowedNetworks.stream().map(Network::parse).toList();
        this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    /**
     * Why the endpoint may not be called, or empty when it may (or when its host does not resolve:
     * the request then fails like any unreachable endpoint's). A check ahead of the request; the
     * one that counts is made again when the connection is opened.
     */
    public Optional<String> refusal(URI endpoint) {
        String host = endpoint.getHost();
        if (host == null || host.isEmpty()) {
            return Optional.of("the endpoint has no host");
        }
        try {
            addressesToConnect(host);
            return Optional.empty();
        } catch (AddressRefusedException e) {
            return Optional.of(e.reason());
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /**
     * The addresses a connection to {@code host} may try, resolved now.
     *
     * @throws AddressRefusedException when any of them is internal and not in an allowed network
     * @throws UnknownHostException    when the name does not resolve
     */
    public InetAddress[] addressesToConnect(String host) throws UnknownHostException {
        InetAddress[] addresses = resolver.resolve(normalize(host));
        if (addresses == null || addresses.length == 0) {
            throw new UnknownHostException(host);
        }
        for (InetAddress address : addresses) {
            if (isInternal(address) && allowed.stream().noneMatch(network -> network.contains(address))) {
                throw new AddressRefusedException("the endpoint's host resolves to an internal address ("
                        + address.getHostAddress() + "); allow its network with herald.subscriptions.outbound.allowed-networks"
                        + " if intended");
            }
        }
        return addresses;
    }

    /** {@code [::1]} as {@code ::1}, and an international name in its ASCII form, as DNS knows it. */
    private static String normalize(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.chars().allMatch(c -> c < 0x80)) {
            return bare;
        }
        try {
            return IDN.toASCII(bare);
        } catch (IllegalArgumentException e) {
            return bare;
        }
    }

    /** True for any address a webhook on the internet cannot have. */
    public static boolean isInternal(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return internalIpv4(b);
        }
        if (address instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return true; // fc00::/7 unique local
            }
            boolean firstTenZero = true;
            for (int i = 0; i < 10; i++) {
                firstTenZero &= b[i] == 0;
            }
            if (firstTenZero && ((b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0))) {
                return internalIpv4(new byte[] {b[12], b[13], b[14], b[15]}); // ::ffff:a.b.c.d and ::a.b.c.d
            }
            if (b[0] == 0x00 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b) {
                return internalIpv4(new byte[] {b[12], b[13], b[14], b[15]}); // 64:ff9b::/96 NAT64
            }
            return (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == (byte) 0xb8); // 2001:db8::/32 documentation
        }
        return true;
    }

    private static boolean internalIpv4(byte[] b) {
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        return first == 0 || first == 10 || first == 127 || first >= 224
                || (first == 100 && second >= 64 && second <= 127) // carrier-grade NAT
                || (first == 169 && second == 254) // link-local, cloud metadata
                || (first == 172 && second >= 16 && second <= 31)
                || (first == 192 && second == 168)
                || (first == 192 && second == 0 && (b[2] & 0xff) == 0)
                || (first == 198 && (second == 18 || second == 19)); // benchmarking
    }

    /** An allowed network in CIDR form. */
    private record Network(byte[] prefix, int bits) {

        static Network parse(String cidr) {
            String[] parts = cidr.trim().split("/");
            try {
                byte[] address = InetAddress.getByName(parts[0]).getAddress();
                int bits = parts.length == 2 ? Integer.parseInt(parts[1]) : address.length * 8;
                if (bits < 0 || bits > address.length * 8) {
                    throw new IllegalArgumentException("prefix length out of range");
                }
                return new Network(address, bits);
            } catch (UnknownHostException | IllegalArgumentException e) {
                throw new IllegalArgumentException("herald.subscriptions.outbound.allowed-networks: '" + cidr
                        + "' is not an address or CIDR such as 127.0.0.0/8 or ::1/128");
            }
        }

        boolean contains(InetAddress address) {
            byte[] candidate = address.getAddress();
            if (candidate.length != prefix.length) {
                return false;
            }
            for (int bit = 0; bit < bits; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((candidate[bit / 8] & mask) != (prefix[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
