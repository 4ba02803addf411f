package io.herald.store.cosmos;

import static io.herald.store.TestEvents.event;
import static io.herald.store.TestEvents.uniqueResource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.azure.cosmos.CosmosAsyncClient;
import com.azure.cosmos.models.CosmosItemRequestOptions;
import com.azure.cosmos.models.PartitionKey;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.herald.store.AppendResult;
import io.herald.store.CosmosTestServer;
import io.herald.store.EventPosition;
import io.herald.store.FeedPage;
import io.herald.store.FeedQuery;
import io.herald.store.IncomingEvent;
import io.herald.store.SharedChangeFeed;
import io.herald.store.StoreProperties;
import io.herald.store.StoredEvent;

/**
 * Aborted commits on Cosmos DB (ADR 0009): each is recorded as a marker item of its own, so the
 * horizon item stays two numbers however many commits are given up, while feeds and the change
 * feed still leave out every event of an aborted commit and serve each committed one exactly once.
 */
class CosmosAbortedCommitsIT {

    private static StoreProperties.Cosmos settings;
    private static CosmosAsyncClient client;
    private static CosmosContainers containers;
    private static CosmosEventStore store;
    private static CommitLog commits;

    @BeforeAll
    static void start() {
        settings = CosmosTestServer.settings("aborted");
        client = CosmosContainers.client(settings);
        containers = CosmosContainers.create(client, settings, CosmosContainers.retentionSeconds(java.time.Period.ofMonths(3)));
        store = new CosmosEventStore(client, containers, Clock.systemUTC(), settings, StoreProperties.defaults().groupCommit(),
                appended -> { });
        commits = new CommitLog(containers, Clock.systemUTC(), settings.commitTimeout());
    }

    @AfterAll
    static void stop() {
        client.close();
    }

    private static long abortedCommitWith(IncomingEvent event) {
        return AbortedCommits.writeAndAbandon(store, List.of(event));
    }

    private static ObjectNode storedHorizon() {
        return containers.commits().readItem(CommitLog.HORIZON, new PartitionKey(CommitLog.HORIZON), ObjectNode.class).block().getItem();
    }

    private static List<StoredEvent> follow(FeedQuery query) {
        List<StoredEvent> seen = new ArrayList<>();
        while (true) {
            FeedPage page = store.read(query);
            seen.addAll(page.events());
            if (page.events().isEmpty() && page.next().equals(query.after())) {
                return seen;
            }
            query = query.withAfter(page.next());
        }
    }

    /** Where a reader of the whole log stands once it has read everything. */
    private static EventPosition head() {
        FeedPage page = store.read(FeedQuery.after(EventPosition.START, 1000));
        while (!page.events().isEmpty()) {
            page = store.read(FeedQuery.after(page.next(), 1000));
        }
        return page.next();
    }

    private static List<String> ids(List<StoredEvent> events) {
        return events.stream().map(e -> e.key().id()).toList();
    }

    @Test
    void shouldKeepTheHorizonSmallAndServeEveryCommittedEventOnceAcrossManyAbortedCommits() {
        String resource = uniqueResource();
        EventPosition before = head();
        List<String> committed = new ArrayList<>();
        List<String> lost = new ArrayList<>();
        int aborted = CommitLog.MAX_ABORTED_PER_READ * 2 + 50;
        for (int i = 0; i < aborted; i++) {
            IncomingEvent gone = event(resource);
            abortedCommitWith(gone);
            lost.add(gone.key().id());
            if (i % 7 == 0) {
                IncomingEvent kept = event(resource);
                assertThat(store.append(List.of(kept))).isInstanceOf(AppendResult.Appended.class);
                committed.add(kept.key().id());
            }
        }
        IncomingEvent last = event(resource);
        store.append(List.of(last));
        committed.add(last.key().id());

        ObjectNode horizon = storedHorizon();
        assertThat(horizon.has("aborted")).as("no list of aborted commits in the horizon").isFalse();
        assertThat(horizon.toString().length()).as("the horizon item's size, whatever the number of aborted commits")
                .isLessThan(400);
        assertThat(horizon.path("through").asLong()).isGreaterThanOrEqualTo(aborted);

        List<StoredEvent> byResource = follow(FeedQuery.after(EventPosition.START, 5).withResource(resource));
        assertThat(ids(byResource)).containsExactlyElementsOf(committed);
        List<StoredEvent> wholeLog = follow(FeedQuery.after(before, 50));
        assertThat(ids(wholeLog)).as("the whole log, once, without aborted events").containsExactlyElementsOf(committed);
        List<EventPosition> positions = wholeLog.stream().map(StoredEvent::position).toList();
        List<EventPosition> sorted = new ArrayList<>(positions);
        Collections.sort(sorted);
        assertThat(positions).isEqualTo(sorted);
        // a reader that sets off from inside the run of aborted commits sees the same, from there on
        int middle = committed.size() / 2;
        EventPosition fromMiddle = byResource.get(middle - 1).position();
        assertThat(ids(follow(FeedQuery.after(fromMiddle, 3).withResource(resource))))
                .containsExactlyElementsOf(committed.subList(middle, committed.size()));
    }

    @Test
    void shouldHandTheChangeFeedOnlyCommittedEventsOnceWithAbortedCommitsBetweenThem() {
        String resource = uniqueResource();
        List<String> committed = new ArrayList<>();
        List<String> lost = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            IncomingEvent gone = event(resource);
            abortedCommitWith(gone);
            lost.add(gone.key().id());
            IncomingEvent kept = event(resource);
            store.append(List.of(kept));
            committed.add(kept.key().id());
        }
        List<String> received = Collections.synchronizedList(new ArrayList<>());
        try (SharedChangeFeed.Running running = store.start("aborted-test", "one", batch -> batch.stream()
                .filter(e -> e.resource().equals(resource)).forEach(e -> received.add(e.key().id())))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> received.size() >= committed.size());
        }

        assertThat(received).containsExactlyElementsOf(committed).doesNotContainAnyElementsOf(lost);
    }

    @Test
    void shouldTurnTheAbortedListOfAnEarlierVersionsHorizonIntoMarkers() {
        StoreProperties.Cosmos own = CosmosTestServer.settings("legacy");
        CosmosContainers legacy = CosmosContainers.create(client, own, CosmosContainers.retentionSeconds(java.time.Period.ofMonths(3)));
        CosmosEventStore legacyStore = new CosmosEventStore(client, legacy, Clock.systemUTC(), own,
                StoreProperties.defaults().groupCommit(), appended -> { });
        CommitLog legacyCommits = new CommitLog(legacy, Clock.systemUTC(), own.commitTimeout());
        String resource = uniqueResource();
        IncomingEvent kept = event(resource);
        legacyStore.append(List.of(kept));
        IncomingEvent gone = event(resource);
        CommitLog.Claim claim = legacyCommits.claim();
        ObjectNode item = EventDocuments.event(gone, new EventPosition(claim.number(), 1), Instant.now());
        legacy.events().createItem(item, new PartitionKey(item.get("subject").asText()), new CosmosItemRequestOptions()).block();
        legacyCommits.abandon(claim);
        // the horizon as an earlier version wrote it: the aborted commits listed in it, no markers
        ObjectNode old = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        old.put("id", CommitLog.HORIZON);
        old.put("ttl", -1);
        old.put("through", claim.number());
        old.putArray("aborted").add(claim.number());
        legacy.commits().upsertItem(old, new PartitionKey(CommitLog.HORIZON), new CosmosItemRequestOptions()).block();

        List<StoredEvent> read = legacyStore.read(FeedQuery.after(EventPosition.START, 10).withResource(resource)).events();

        assertThat(ids(read)).containsExactly(kept.key().id());
        ObjectNode converted = legacy.commits().readItem(CommitLog.HORIZON, new PartitionKey(CommitLog.HORIZON), ObjectNode.class)
                .block().getItem();
        assertThat(converted.has("aborted")).isFalse();
        assertThat(converted.path("lastAborted").asLong()).isEqualTo(claim.number());
        assertThat(legacyCommits.settledFrom(0, legacyCommits.horizon()).aborted()).containsExactly(claim.number());
    }

    @Test
    void shouldGiveEachAbortedCommitsMarkerALifeLongerThanTheRetention() {
        long number = abortedCommitWith(event(uniqueResource()));
        commits.advance();

        ObjectNode marker = containers.events().readItem("aborted-" + number, new PartitionKey(CommitLog.ABORTED_PARTITION),
                ObjectNode.class).block().getItem();

        assertThat(marker.path("abortedCommit").asLong()).isEqualTo(number);
        assertThat(marker.path("ttl").asLong()).isGreaterThan(containers.retentionSeconds());
    }
}
