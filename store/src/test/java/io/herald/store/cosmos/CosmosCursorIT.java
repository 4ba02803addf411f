package io.herald.store.cosmos;

import static io.herald.store.TestEvents.event;
import static io.herald.store.TestEvents.uniqueResource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.azure.cosmos.CosmosAsyncClient;
import com.azure.cosmos.models.CosmosItemRequestOptions;
import com.azure.cosmos.models.PartitionKey;

import io.herald.store.AppendResult;
import io.herald.store.CosmosTestServer;
import io.herald.store.EventPosition;
import io.herald.store.FeedPage;
import io.herald.store.FeedQuery;
import io.herald.store.IncomingEvent;
import io.herald.store.MutableClock;
import io.herald.store.StoreProperties;
import io.herald.store.StoredEvent;

/**
 * The cursor guarantee on Cosmos DB (ADR 0009): with writers committing concurrently, readers
 * following the cursor see every event once and in order; a commit whose writer died holds later
 * commits back only until its deadline, and whatever it wrote never becomes visible.
 */
class CosmosCursorIT {

    private static StoreProperties.Cosmos settings;
    private static CosmosAsyncClient client;
    private static CosmosContainers containers;
    private static final MutableClock clock = new MutableClock(Instant.now());

    @BeforeAll
    static void start() {
        settings = CosmosTestServer.settings("cursor");
        client = CosmosContainers.client(settings);
        containers = CosmosContainers.create(client, settings, CosmosContainers.retentionSeconds(java.time.Period.ofMonths(3)));
    }

    @AfterAll
    static void stop() {
        client.close();
    }

    private static CosmosEventStore store(Clock clock) {
        return new CosmosEventStore(client, containers, clock, settings, StoreProperties.defaults().groupCommit(), appended -> { });
    }

    private static List<String> follow(CosmosEventStore store, String resource, int expected, Duration timeout) {
        List<String> seen = new ArrayList<>();
        List<EventPosition> positions = new ArrayList<>();
        FeedQuery query = FeedQuery.after(EventPosition.START, 5).withResource(resource);
        long until = System.nanoTime() + timeout.toNanos();
        while (seen.size() < expected && System.nanoTime() < until) {
            FeedPage page = store.read(query);
            for (StoredEvent event : page.events()) {
                seen.add(event.key().id());
                positions.add(event.position());
            }
            query = query.withAfter(page.next());
        }
        List<EventPosition> sorted = new ArrayList<>(positions);
        Collections.sort(sorted);
        assertThat(positions).as("in log order").isEqualTo(sorted);
        return seen;
    }

    @Test
    void shouldShowEveryEventOnceInOrderToReadersWhileWritersCommitConcurrently() throws Exception {
        CosmosEventStore store = store(Clock.systemUTC());
        String resource = uniqueResource();
        int writers = 4;
        int appendsEach = 15;
        ExecutorService pool = Executors.newFixedThreadPool(writers + 2);
        try {
            List<Future<List<String>>> written = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                written.add(pool.submit(() -> {
                    List<String> ids = new ArrayList<>();
                    for (int i = 0; i < appendsEach; i++) {
                        List<IncomingEvent> request = List.of(event(resource), event(resource));
                        assertThat(store.append(request)).isInstanceOf(AppendResult.Appended.class);
                        request.forEach(e -> ids.add(e.key().id()));
                    }
                    return ids;
                }));
            }
            int total = writers * appendsEach * 2;
            Future<List<String>> firstReader = pool.submit(() -> follow(store, resource, total, Duration.ofSeconds(90)));
            Future<List<String>> secondReader = pool.submit(() -> follow(store, resource, total, Duration.ofSeconds(90)));

            List<String> all = new ArrayList<>();
            for (Future<List<String>> ids : written) {
                all.addAll(ids.get(90, TimeUnit.SECONDS));
            }
            assertThat(firstReader.get(120, TimeUnit.SECONDS)).containsExactlyInAnyOrderElementsOf(all);
            assertThat(secondReader.get(120, TimeUnit.SECONDS)).containsExactlyInAnyOrderElementsOf(all);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldHoldLaterCommitsBackOnlyUntilADeadWritersDeadlineAndNeverShowWhatItWrote() {
        CosmosEventStore store = store(clock);
        CommitLog commits = new CommitLog(containers, clock, settings.commitTimeout());
        String resource = uniqueResource();
        store.append(List.of(event(resource)));
        FeedPage before = store.read(FeedQuery.after(EventPosition.START, 100).withResource(resource));

        // a writer claims a commit, writes one event under it and dies
        CommitLog.Claim dead = commits.claim();
        IncomingEvent lost = event(resource);
        var item = EventDocuments.event(lost, new EventPosition(dead.number(), 1), clock.instant());
        containers.events().createItem(item, new PartitionKey(item.get("subject").asText()), new CosmosItemRequestOptions()).block();
        IncomingEvent later = event(resource);
        store.append(List.of(later));

        FeedPage held = store.read(FeedQuery.after(before.next(), 100).withResource(resource));
        assertThat(held.events()).as("a later commit waits for the open one").isEmpty();

        clock.advance(settings.commitTimeout().plusSeconds(1));
        FeedPage after = store.read(FeedQuery.after(held.next(), 100).withResource(resource));

        assertThat(after.events()).extracting(e -> e.key().id()).containsExactly(later.key().id());
        assertThat(commits.complete(dead)).as("the dead writer cannot complete once aborted").isFalse();
        assertThat(store.read(FeedQuery.after(EventPosition.START, 100).withResource(resource)).events())
                .extracting(e -> e.key().id()).doesNotContain(lost.key().id());
    }

    @Test
    void shouldCommitAGroupOfRequestsTogetherFailingOnlyTheOneThatConflicts() {
        CosmosEventStore store = store(Clock.systemUTC());
        String resource = uniqueResource();
        IncomingEvent first = event(resource);
        var json = io.herald.store.TestEvents.json(resource);
        json.put("id", first.key().id());
        json.put("type", "app.instance.deleted");
        IncomingEvent conflicting = io.herald.store.TestEvents.parse(json);
        IncomingEvent other = event(resource);

        List<AppendResult> results = store.appendGroup(List.of(List.of(first), List.of(conflicting, event(resource)),
                List.of(other, first)));

        var one = (AppendResult.Appended) results.get(0);
        var three = (AppendResult.Appended) results.get(2);
        assertThat(results.get(1)).isEqualTo(new AppendResult.Conflicted(first.key()));
        assertThat(three.positions().get(1)).as("a key repeated across the group answers once").isEqualTo(one.positions().get(0));
        assertThat(three.positions().get(0).tx()).as("one commit for the group").isEqualTo(one.positions().get(0).tx());
        assertThat(store.read(FeedQuery.after(EventPosition.START, 100).withResource(resource)).events())
                .extracting(e -> e.key().id()).containsExactly(first.key().id(), other.key().id());
    }

    @Test
    void shouldStoreAnEventAgainWhoseFirstCommitWasAborted() {
        CosmosEventStore store = store(clock);
        CommitLog commits = new CommitLog(containers, clock, settings.commitTimeout());
        String resource = uniqueResource();
        IncomingEvent event = event(resource);
        // the key was written under a commit that was then given up
        CommitLog.Claim abandoned = commits.claim();
        var key = EventDocuments.key(event, new EventPosition(abandoned.number(), 1));
        containers.keys().createItem(key, new PartitionKey(key.get("id").asText()), new CosmosItemRequestOptions()).block();
        commits.abandon(abandoned);

        var result = (AppendResult.Appended) store.append(List.of(event));

        assertThat(result.positions().get(0).tx()).isGreaterThan(abandoned.number());
        assertThat(store.read(FeedQuery.after(EventPosition.START, 100).withResource(resource)).events())
                .extracting(e -> e.key().id()).containsExactly(event.key().id());
    }

    /**
     * The publish answer's position is a valid cursor at once, even while an older commit is still open and
     * holds the horizon below it (the commit exists, so the cursor was issued here).
     */
    @Test
    void shouldAcceptThePositionOfACommitDoneAboveAnOpenOne() {
        CosmosEventStore store = store(clock);
        CommitLog commits = new CommitLog(containers, clock, settings.commitTimeout());
        store.read(FeedQuery.after(EventPosition.START, 1));
        CommitLog.Claim open = commits.claim();
        commits.claim(); // a second open commit: the next append lies two commits beyond the head
        var appended = (AppendResult.Appended) store.append(List.of(event(uniqueResource())));
        EventPosition published = appended.positions().get(0);

        FeedPage page = store.read(FeedQuery.after(published, 10));

        assertThat(published.tx()).isGreaterThan(open.number() + 1);
        assertThat(page.events()).isEmpty();
        assertThat(page.next()).isEqualTo(published);
        assertThatThrownBy(() -> store.read(FeedQuery.after(new EventPosition(published.tx() + 1, 1), 10)))
                .as("one commit beyond the highest claimed is beyond everything issued")
                .isInstanceOf(io.herald.store.UnknownPositionException.class);
        clock.advance(settings.commitTimeout().plusSeconds(1));
        store.read(FeedQuery.after(EventPosition.START, 1));
    }
}
