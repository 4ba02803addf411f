package io.herald.api.feed;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

import io.herald.store.EventStore;
import io.herald.store.FeedPage;
import io.herald.store.FeedQuery;

/** Reads a page for a caller: the store's page, less what the access policy refuses, with the store's cursor. */
@Component
public class FeedService {

    private final EventStore store;
    private final FeedAccessPolicy policy;

    public FeedService(EventStore store, FeedAccessPolicy policy) {
        this.store = store;
        this.policy = policy;
    }

    public FeedPage read(Authentication caller, FeedQuery query) {
        FeedPage page = store.read(query);
        return new FeedPage(page.events().stream().filter(event -> policy.mayRead(caller, event)).toList(), page.next());
    }
}
