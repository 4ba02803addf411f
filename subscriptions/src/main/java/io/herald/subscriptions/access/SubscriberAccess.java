package io.herald.subscriptions.access;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.jdbc.core.JdbcTemplate;

import io.herald.store.StoredEvent;
import io.herald.subscriptions.Subscription;

/**
 * Whether each subscription's owner may read the event beside it: what anything that writes a
 * delivery asks first (the matcher, a range replay). The owner is the subscription's consumer, with
 * the app scope recorded for it at creation ({@code subscription.granted_scope}); an agency's
 * subscriptions to its own apps need no look-up.
 */
public final class SubscriberAccess {

    private final JdbcTemplate jdbc;
    private final ReadAccess access;

    public SubscriberAccess(JdbcTemplate jdbc, ReadAccess access) {
        this.jdbc = jdbc;
        this.access = access;
    }

    /** One answer per pair, in order; {@code subscriptions} and {@code events} have the same length. */
    public boolean[] mayRead(List<Subscription> subscriptions, List<StoredEvent> events) {
        if (subscriptions.isEmpty()) {
            return new boolean[0];
        }
        Set<Long> ids = new HashSet<>();
        for (int i = 0; i < subscriptions.size(); i++) {
            AppResource app = AppResource.of(events.get(i).resource());
            if (app == null || !subscriptions.get(i).consumer().equals("/org/" + app.org())) {
                ids.add(subscriptions.get(i).id().value());
            }
        }
        Map<Long, String> grants = new HashMap<>();
        if (!ids.isEmpty()) {
            jdbc.query("SELECT id, granted_scope FROM subscription WHERE id = ANY (?) AND granted_scope IS NOT NULL",
                    statement -> statement.setArray(1, statement.getConnection().createArrayOf("bigint", ids.toArray())),
                    row -> {
                        grants.put(row.getLong(1), row.getString(2));
                    });
        }
        List<Caller> callers = new ArrayList<>(subscriptions.size());
        for (Subscription subscription : subscriptions) {
            String grant = grants.get(subscription.id().value());
            callers.add(Caller.ofPrincipal(subscription.consumer(), grant == null ? Set.of() : Set.of(grant)));
        }
        return access.mayRead(callers, events);
    }
}
