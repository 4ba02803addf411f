package io.herald.api.security;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Whether a bind address keeps a server to this machine. */
public final class LocalAddresses {

    private LocalAddresses() {
    }

    /** True only for a loopback address; unset (all interfaces), unresolvable or any other address is false. */
    public static boolean isLoopback(String address) {
        if (address == null || address.isBlank()) {
            return false;
        }
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
