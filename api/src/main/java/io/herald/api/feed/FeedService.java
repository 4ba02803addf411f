package io.herald.api.feed;

import java.util.ArrayList;
import java.util.List;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

import io.herald.store.EventPosition;
import io.herald.store.EventStore;
import io.herald.store.FeedPage;
import io.herald.store.FeedQuery;
import io.herald.store.StoredEvent;

/**
 * Reads a page for a caller: the store's events less what the access policy refuses. When the
 * policy refuses some, it reads on until the page is full, the log ends or it has examined
 * {@code herald.feed.max-examined} events; {@code next} is then the last event returned (a full
 * page) or the last one examined, so a caller who may read little still moves forward promptly.
 */
@Component
public class FeedService {

    private final EventStore store;
    private final FeedAccessPolicy policy;
    private final int maxExamined;
    private final int maxChunk;

    public FeedService(EventStore store, FeedAccessPolicy policy, FeedProperties properties) {
        this.store = store;
        this.policy = policy;
        this.maxExamined = properties.maxExamined();
        this.maxChunk = properties.maxSize();
    }

    public FeedPage read(Authentication caller, FeedQuery query) {
        int wanted = query.limit();
        List<StoredEvent> readable = new ArrayList<>(wanted);
        EventPosition next = query.after();
        int examined = 0;
        int chunk = wanted;
        while (true) {
            FeedPage page = store.read(query.withAfter(next).withLimit(chunk));
            List<StoredEvent> events = page.events();
            examined += events.size();
            boolean[] allowed = events.isEmpty() ? new boolean[0] : policy.readable(caller, events);
            for (int i = 0; i < events.size(); i++) {
                if (allowed[i]) {
                    readable.add(events.get(i));
                    if (readable.size() == wanted) {
                        // the page is full: continue right after the last event returned, not past unread ones
                        return new FeedPage(readable, events.get(i).position());
                    }
                }
            }
            next = page.next();
            if (events.size() < chunk || examined >= maxExamined) {
                return new FeedPage(readable, next);
            }
            chunk = Math.min(maxChunk, maxExamined - examined);
        }
    }

    /** The events as stored, for a caller whose right is the query itself (the instance feed: the GUID is the capability). */
    public FeedPage readUnfiltered(FeedQuery query) {
        return store.read(query);
    }
}
