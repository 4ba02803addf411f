package io.herald.api.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.herald.store.AppendResult;
import io.herald.store.EventKey;
import io.herald.store.EventPosition;
import io.herald.store.EventStore;
import io.herald.store.FeedPage;
import io.herald.store.FeedQuery;
import io.herald.store.IncomingEvent;
import io.herald.store.StoreUnavailableException;
import io.herald.store.StoredEvent;

/** A filtered feed never stalls: it reads on past what the caller may not read, but only so far per request. */
class FeedServiceTest {

    private static final FeedProperties PAGING = new FeedProperties(50, 1000, 5000, 0, Duration.ofSeconds(2));

    /** A log of {@code size} events at positions 1-1 … 1-size; only the ids listed are readable. */
    private static final class Log implements EventStore {

        private final List<StoredEvent> events = new ArrayList<>();
        final AtomicInteger examined = new AtomicInteger();
        /** When set, every read waits for it to open. */
        volatile CountDownLatch gate;
        final AtomicInteger reading = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();

        Log(int size) {
            for (int i = 1; i <= size; i++) {
                events.add(new StoredEvent(new EventPosition(1, i), Instant.EPOCH, new EventKey("https://x.example", "e" + i),
                        "t", "urn:altinn:resource:app_ttd_x", "/party/1", null, null, null, "{}"));
            }
        }

        @Override
        public FeedPage read(FeedQuery query) {
            mostAtOnce.accumulateAndGet(reading.incrementAndGet(), Math::max);
            try {
                if (gate != null) {
                    gate.await(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                reading.decrementAndGet();
            }
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
        FeedService feeds = new FeedService(log, readable("e1000"), PAGING);

        FeedPage page = feeds.read(null, FeedQuery.after(EventPosition.START, 50));

        assertThat(ids(page)).containsExactly("e1000");
        assertThat(page.next()).isEqualTo(new EventPosition(1, 1000));
    }

    @Test
    void shouldStopAtTheExaminedWindowWithACursorPastEverythingExamined() {
        Log log = new Log(20_000);
        FeedService feeds = new FeedService(log, readable("e19999"), PAGING);

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
        FeedService feeds = new FeedService(log, readable("e2", "e4", "e6", "e8"), PAGING);

        FeedPage page = feeds.read(null, FeedQuery.after(EventPosition.START, 2));

        assertThat(ids(page)).containsExactly("e2", "e4");
        assertThat(page.next()).as("e6 must not be skipped").isEqualTo(new EventPosition(1, 4));
        assertThat(ids(feeds.read(null, FeedQuery.after(page.next(), 2)))).containsExactly("e6", "e8");
    }

    /** No more store reads at once than {@code max-concurrent-reads}: the others wait for a turn, then all are served. */
    @Test
    void shouldReadNoMorePagesAtOnceThanItHasTurnsFor() throws Exception {
        Log log = new Log(10);
        log.gate = new CountDownLatch(1);
        FeedService feeds = new FeedService(log, readable(), new FeedProperties(50, 1000, 5000, 2, Duration.ofSeconds(10)));
        ExecutorService readers = Executors.newFixedThreadPool(5);
        try {
            List<Future<FeedPage>> pages = IntStream.range(0, 5)
                    .mapToObj(i -> readers.submit(() -> feeds.readUnfiltered(FeedQuery.after(EventPosition.START, 10)))).toList();
            await().atMost(Duration.ofSeconds(5)).until(() -> log.reading.get() == 2);
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> log.reading.get() == 2);

            log.gate.countDown();

            for (Future<FeedPage> page : pages) {
                assertThat(page.get(10, TimeUnit.SECONDS).events()).hasSize(10);
            }
            assertThat(log.mostAtOnce.get()).isEqualTo(2);
        } finally {
            readers.shutdownNow();
        }
    }

    /** A read that gets no turn within {@code read-wait} is refused as unavailable (503), not left hanging. */
    @Test
    void shouldRefuseAReadThatGetsNoTurnWithinTheReadWait() throws Exception {
        Log log = new Log(10);
        log.gate = new CountDownLatch(1);
        FeedService feeds = new FeedService(log, readable(), new FeedProperties(50, 1000, 5000, 1, Duration.ofMillis(200)));
        ExecutorService readers = Executors.newSingleThreadExecutor();
        try {
            Future<FeedPage> held = readers.submit(() -> feeds.readUnfiltered(FeedQuery.after(EventPosition.START, 10)));
            await().atMost(Duration.ofSeconds(5)).until(() -> log.reading.get() == 1);

            assertThatThrownBy(() -> feeds.read(null, FeedQuery.after(EventPosition.START, 10)))
                    .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("try again");

            log.gate.countDown();
            assertThat(held.get(10, TimeUnit.SECONDS).events()).hasSize(10);
        } finally {
            readers.shutdownNow();
        }
    }

    @Test
    void shouldTakeTheProcessorsPlusOneForTurnsUnlessSet() {
        assertThat(PAGING.concurrentReads()).isEqualTo(Runtime.getRuntime().availableProcessors() + 1);
        assertThat(new FeedProperties(50, 1000, 5000, 7, Duration.ofSeconds(1)).concurrentReads()).isEqualTo(7);
        assertThatThrownBy(() -> new FeedProperties(50, 1000, 5000, -1, Duration.ofSeconds(1)))
                .hasMessageContaining("herald.feed.max-concurrent-reads");
    }
}
