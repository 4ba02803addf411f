package io.herald.api.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.herald.store.AppendResult;
import io.herald.store.EventKey;
import io.herald.store.EventPosition;
import io.herald.store.EventStore;
import io.herald.store.FeedPage;
import io.herald.store.FeedQuery;
import io.herald.store.IncomingEvent;
import io.herald.store.StoredEvent;

/** A filtered feed never stalls: it reads on past what the caller may not read, but only so far per request. */
class FeedServiceTest {

    /** A log of {@code size} events at positions 1-1 … 1-size; only the ids listed are readable. */
    private static final class Log implements EventStore {

        private final List<StoredEvent> events = new ArrayList<>();
        final AtomicInteger examined = new AtomicInteger();

        Log(int size) {
            for (int i = 1; i <= size; i++) {
                events.add(new StoredEvent(new EventPosition(1, i), Instant.EPOCH, new EventKey("https://x.example", "e" + i),
                        "t", "urn:altinn:resource:app_ttd_x", "/party/1", null, null, null, "{}"));
            }
        }

        @Override
        public FeedPage read(FeedQuery query) {
            List<StoredEvent> page = events.stream().filter(e -> e.position().isAfter(query.after())).limit(query.limit()).toList();
            examined.addAndGet(page.size());
            EventPosition next = page.isEmpty() ? query.after() : page.get(page.size() - 1).position();
            return new FeedPage(page, next);
        }

        @Override
        public AppendResult append(List<IncomingEvent> batch) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<StoredEvent> find(java.util.Collection<io.herald.store.EventReference> references) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.util.Optional<EventPosition> positionOf(String eventId, String resource) {
            throw new UnsupportedOperationException();
        }
    }

    private static FeedAccessPolicy readable(String... ids) {
        List<String> allowed = List.of(ids);
        return (caller, events) -> {
            boolean[] answers = new boolean[events.size()];
            for (int i = 0; i < events.size(); i++) {
                answers[i] = allowed.contains(events.get(i).key().id());
            }
            return answers;
        };
    }

    private static List<String> ids(FeedPage page) {
        return page.events().stream().map(e -> e.key().id()).toList();
    }

    @Test
    void shouldSkipNineHundredNinetyNineUnreadableEventsInOneRequest() {
        Log log = new Log(1000);
        FeedService feeds = new FeedService(log, readable("e1000"), new FeedProperties(50, 1000, 5000));

        FeedPage page = feeds.read(null, FeedQuery.after(EventPosition.START, 50));

        assertThat(ids(page)).containsExactly("e1000");
        assertThat(page.next()).isEqualTo(new EventPosition(1, 1000));
    }

    @Test
    void shouldStopAtTheExaminedWindowWithACursorPastEverythingExamined() {
        Log log = new Log(20_000);
        FeedService feeds = new FeedService(log, readable("e19999"), new FeedProperties(50, 1000, 5000));

        FeedPage first = feeds.read(null, FeedQuery.after(EventPosition.START, 50));

        assertThat(first.events()).isEmpty();
        assertThat(log.examined.get()).isEqualTo(5000);
        assertThat(first.next()).isEqualTo(new EventPosition(1, 5000));

        List<String> seen = new ArrayList<>();
        EventPosition next = first.next();
        int requests = 1;
        while (requests < 10) {
            FeedPage page = feeds.read(null, FeedQuery.after(next, 50));
            requests++;
            seen.addAll(ids(page));
            if (!page.next().isAfter(next)) {
                break;
            }
            next = page.next();
        }
        assertThat(seen).containsExactly("e19999");
        assertThat(requests).isLessThanOrEqualTo(5);
    }

    @Test
    void shouldContinueRightAfterTheLastEventReturnedWhenThePageIsFull() {
        Log log = new Log(10);
        FeedService feeds = new FeedService(log, readable("e2", "e4", "e6", "e8"), new FeedProperties(50, 1000, 5000));

        FeedPage page = feeds.read(null, FeedQuery.after(EventPosition.START, 2));

        assertThat(ids(page)).containsExactly("e2", "e4");
        assertThat(page.next()).as("e6 must not be skipped").isEqualTo(new EventPosition(1, 4));
        assertThat(ids(feeds.read(null, FeedQuery.after(page.next(), 2)))).containsExactly("e6", "e8");
    }
}
