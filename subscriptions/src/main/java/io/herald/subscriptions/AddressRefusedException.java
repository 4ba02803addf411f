package io.herald.subscriptions;

import java.net.UnknownHostException;

/**
 * The outbound guard would not let a connection be opened to a host: an address it resolves to is
 * internal. An {@link UnknownHostException} because that is the only failure an HTTP client's
 * resolver may report; {@link OutboundHttp} tells it apart and answers {@link OutboundResult.Refused}.
 */
public final class AddressRefusedException extends UnknownHostException {

    private static final long serialVersionUID = 1L;

    public AddressRefusedException(String reason) {
        super(reason);
    }

    /** Why, in words a subscriber understands. */
    public String reason() {
        return getMessage();
    }
}
