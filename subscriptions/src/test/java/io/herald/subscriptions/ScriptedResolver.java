package io.herald.subscriptions;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DNS server under the test's control, for {@link OutboundGuard}: one name answers from a script
 * (each look-up the next answer, the last one for ever), like a rebinding attacker's server with a
 * zero TTL; every other name and IP literal resolves as usual.
 */
public final class ScriptedResolver implements OutboundGuard.Resolver {

    private final String name;
    private final List<String> answers;
    private final AtomicInteger lookups = new AtomicInteger();

    private ScriptedResolver(String name, List<String> answers) {
        this.name = name;
        this.answers = answers;
    }

    /** {@code name} resolves to {@code address}, always. */
    public static ScriptedResolver resolving(String name, String address) {
        return new ScriptedResolver(name, List.of(address));
    }

    /** {@code name} resolves to {@code first} once, then to {@code then}: DNS rebinding. */
    public static ScriptedResolver rebinding(String name, String first, String then) {
        return new ScriptedResolver(name, List.of(first, then));
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        if (!host.equalsIgnoreCase(name)) {
            return InetAddress.getAllByName(host);
        }
        String answer = answers.get(Math.min(lookups.getAndIncrement(), answers.size() - 1));
        return new InetAddress[] {InetAddress.getByAddress(name, InetAddress.getByName(answer).getAddress())};
    }

    /** How often {@code name} was looked up. */
    public int lookups() {
        return lookups.get();
    }
}
