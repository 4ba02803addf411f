package io.herald.api.feed;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

import io.herald.store.EventPosition;
import io.herald.store.EventStore;
import io.herald.store.FeedPage;
import io.herald.store.FeedQuery;
import io.herald.store.StoreUnavailableException;
import io.herald.store.StoredEvent;

/**
 * Reads a page for a caller: the store's events less what the access policy refuses. When the
 * policy refuses some, it reads on until the page is full, the log ends or it has examined
 * {@code herald.feed.max-examined} events; {@code next} is then the last event returned (a full
 * page) or the last one examined, so a caller who may read little still moves forward promptly.
 *
 * <p>At most {@code herald.feed.max-concurrent-reads} store reads run at once; the others wait their turn in
 * arrival order (docs/adr/0024). More pages read at once than the machine has processors for only make each of
 * them slower: at 8 readers on 2 cores the page p99 was 58–73 ms, at 4 readers 11 ms for as many pages a second.
 * A reader flood also cannot take every database connection from publishing and delivery.
 */
@Component
public class FeedService {

    private final EventStore store;
    private final FeedAccessPolicy policy;
    private final int maxExamined;
    private final int maxChunk;
    private final Semaphore turns;
    private final long readWaitNanos;

    public FeedService(EventStore store, FeedAccessPolicy policy, FeedProperties properties) {
        this.store = store;
        this.policy = policy;
        this.maxExamined = properties.maxExamined();
        this.maxChunk = properties.maxSize();
        this.turns = new Semaphore(properties.concurrentReads(), true);
        this.readWaitNanos = properties.readWait().toNanos();
    }

    public FeedPage read(Authentication caller, FeedQuery query) {
        int wanted = query.limit();
        List<StoredEvent> readable = new ArrayList<>(wanted);
        EventPosition next = query.after();
        int examined = 0;
        int chunk = wanted;
        while (true) {
            FeedPage page = readInTurn(query.withAfter(next).withLimit(chunk));
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
        return readInTurn(query);
    }

    /** One store read once a turn is free; 503 (as when the database cannot be reached) after {@code read-wait}. */
    private FeedPage readInTurn(FeedQuery query) {
        try {
            if (!turns.tryAcquire(readWaitNanos, TimeUnit.NANOSECONDS)) {
                throw new StoreUnavailableException("too many feed reads are waiting; try again shortly", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting to read the feed", e);
        }
        try {
            return store.read(query);
        } finally {
            turns.release();
        }
    }
}
