package io.herald.store.internal;

import static io.herald.store.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariDataSource;

import io.herald.store.AppendResult;
import io.herald.store.EventPosition;
import io.herald.store.FeedQuery;
import io.herald.store.IncomingEvent;
import io.herald.store.StoreProperties;
import io.herald.store.StoreUnavailableException;
import io.herald.store.TestDatabases;
import io.herald.store.TestEvents;

class GroupCommitterIT {

    private static HikariDataSource dataSource;

    @BeforeAll
    static void start() {
        dataSource = TestDatabases.migrated("herald_group_commit_it", 6);
        new PartitionMaintenance(dataSource, Clock.systemUTC(), StoreProperties.defaults()).run();
    }

    @AfterAll
    static void stop() {
        dataSource.close();
    }

    /** Requests that wait while a writer is busy are committed together, and each gets its own answer. */
    @Test
    void shouldCommitWaitingRequestsTogetherAndAnswerEach() throws Exception {
        String resource = TestEvents.uniqueResource();
        try (GroupCommitter committer = oneWriter(); Connection blocker = dataSource.getConnection()) {
            CompletableFuture<AppendResult> first = holdWriterWith(committer, blocker, event(resource));
            List<IncomingEvent> waiting = List.of(event(resource), event(resource), event(resource));
            List<CompletableFuture<AppendResult>> answers = waiting.stream().map(e -> committer.submit(List.of(e))).toList();

            blocker.commit();

            first.get(10, TimeUnit.SECONDS);
            List<EventPosition> positions = answers.stream()
                    .map(a -> ((AppendResult.Appended) a.join()).positions().get(0)).toList();
            assertThat(positions).extracting(EventPosition::tx).as("one transaction for the three waiting requests")
                    .containsOnly(positions.get(0).tx());
            assertThat(positions).isSorted().doesNotHaveDuplicates();
        }
    }

    /** Bug found while documenting the API: a NUL character in one request failed every request of its group. */
    @Test
    void shouldFailOnlyTheRequestWhoseDataTheDatabaseRefuses() throws Exception {
        String resource = TestEvents.uniqueResource();
        IncomingEvent valid = event(resource);
        IncomingEvent refused = new IncomingEvent(valid.key().withId("nul-" + valid.key().id()), "bad\u0000type",
                resource, null, null, null, null, valid.json(), valid.contentHash());
        try (GroupCommitter committer = oneWriter(); Connection blocker = dataSource.getConnection()) {
            CompletableFuture<AppendResult> first = holdWriterWith(committer, blocker, event(resource));
            CompletableFuture<AppendResult> before = committer.submit(List.of(event(resource)));
            CompletableFuture<AppendResult> bad = committer.submit(List.of(refused));
            CompletableFuture<AppendResult> after = committer.submit(List.of(valid));

            blocker.commit();

            first.get(10, TimeUnit.SECONDS);
            assertThat(before.get(10, TimeUnit.SECONDS)).isInstanceOf(AppendResult.Appended.class);
            assertThat(after.get(10, TimeUnit.SECONDS)).isInstanceOf(AppendResult.Appended.class);
            assertThat(bad).failsWithin(10, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(StoreUnavailableException.class);
        }
        try (Connection connection = dataSource.getConnection()) {
            var stored = new FeedReader().read(connection, FeedQuery.after(EventPosition.START, 10).withResource(resource));
            assertThat(stored.events()).hasSize(3);
        }
    }

    /**
     * A group is numbered resource by resource, so that a resource's events of one group lie side by side in the
     * table: requests keep their order within a resource, a batch keeps its own order whatever resources it holds,
     * and each request is answered with its own positions.
     */
    @Test
    void shouldNumberAGroupResourceByResourceAndAnswerEachRequestWithItsOwnPositions() throws Exception {
        String a = "urn:altinn:resource:test_a_" + UUID.randomUUID().toString().replace("-", "");
        String b = "urn:altinn:resource:test_b_" + UUID.randomUUID().toString().replace("-", "");
        IncomingEvent b1 = event(b), a1 = event(a), b2 = event(b), a2 = event(a), a3 = event(a);
        List<List<IncomingEvent>> requests = List.of(List.of(b1), List.of(a1), List.of(b2, a2), List.of(a3));
        List<AppendResult> results;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            results = new EventWriter().writeAtOnce(connection, requests, Instant.now()).orElseThrow();
        }

        assertNumberedByResource(requests, results, List.of(a1, a3, b1, b2, a2));
    }

    /** The same order when the group is planned around a key stored before (a re-publish in the group). */
    @Test
    void shouldNumberAPlannedGroupResourceByResourceToo() throws Exception {
        String a = "urn:altinn:resource:test_a_" + UUID.randomUUID().toString().replace("-", "");
        String b = "urn:altinn:resource:test_b_" + UUID.randomUUID().toString().replace("-", "");
        IncomingEvent stored = event(b), b1 = event(b), a1 = event(a), a2 = event(a);
        EventPosition storedAt;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            storedAt = ((AppendResult.Appended) new EventWriter().writeAtOnce(connection, List.of(List.of(stored)), Instant.now())
                    .orElseThrow().get(0)).positions().get(0);
        }
        List<List<IncomingEvent>> requests = List.of(List.of(b1), List.of(stored), List.of(a1), List.of(a2));
        List<AppendResult> results;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            results = new EventWriter().write(connection, requests, Instant.now());
            connection.commit();
        }

        assertThat(((AppendResult.Appended) results.get(1)).positions()).as("the re-publish answers the stored position")
                .containsExactly(storedAt);
        assertNumberedByResource(List.of(requests.get(0), requests.get(2), requests.get(3)),
                List.of(results.get(0), results.get(2), results.get(3)), List.of(a1, a2, b1));
    }

    /** Each request's positions are those its events got, and the events were numbered in {@code numbered} order. */
    private static void assertNumberedByResource(List<List<IncomingEvent>> requests, List<AppendResult> results,
            List<IncomingEvent> numbered) throws Exception {
        Map<String, EventPosition> stored = new HashMap<>();
        try (Connection connection = dataSource.getConnection();
             var select = connection.prepareStatement("SELECT id, tx, seq FROM event WHERE id = ANY (?)")) {
            select.setArray(1, connection.createArrayOf("text", numbered.stream().map(e -> e.key().id()).toArray()));
            try (var rows = select.executeQuery()) {
                while (rows.next()) {
                    stored.put(rows.getString(1), new EventPosition(rows.getLong(2), rows.getLong(3)));
                }
            }
        }
        assertThat(results).hasSameSizeAs(requests);
        for (int i = 0; i < requests.size(); i++) {
            assertThat(((AppendResult.Appended) results.get(i)).positions()).as("request %d's answer", i)
                    .containsExactlyElementsOf(requests.get(i).stream().map(e -> stored.get(e.key().id())).toList());
        }
        List<EventPosition> inOrder = numbered.stream().map(e -> stored.get(e.key().id())).toList();
        assertThat(inOrder).as("numbered resource by resource, in one transaction").isSorted()
                .extracting(EventPosition::tx).containsOnly(inOrder.get(0).tx());
        assertThat(inOrder.get(inOrder.size() - 1).seq() - inOrder.get(0).seq()).isEqualTo(inOrder.size() - 1);
    }

    /**
     * Two writers: while one writes, the few requests of single publishers wait for its next group
     * instead of waking the other writer for a transaction of their own (smaller groups, more commits).
     */
    @Test
    void shouldLetAFewRequestsWaitForTheBusyWriterRatherThanStartAnotherGroup() throws Exception {
        String resource = TestEvents.uniqueResource();
        try (GroupCommitter committer = writers(2, 100); Connection blocker = dataSource.getConnection()) {
            CompletableFuture<AppendResult> first = holdWriterWith(committer, blocker, event(resource));
            CompletableFuture<AppendResult> second = committer.submit(List.of(event(resource)));
            // the other writer stays idle: it would be waiting for the table lock too had it taken the request
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> writersWaitingForLock() == 1);
            List<CompletableFuture<AppendResult>> more = List.of(committer.submit(List.of(event(resource))),
                    committer.submit(List.of(event(resource))));

            blocker.commit();

            first.get(10, TimeUnit.SECONDS);
            List<EventPosition> positions = Stream.concat(Stream.of(second), more.stream())
                    .map(a -> ((AppendResult.Appended) a.join()).positions().get(0)).toList();
            assertThat(positions).extracting(EventPosition::tx).as("the three waiting requests in one transaction")
                    .containsOnly(positions.get(0).tx());
        }
    }

    /** Many events waiting (a batch, a backlog) are worth a transaction at once: the other writer starts it. */
    @Test
    void shouldStartAnotherWriterWhenManyEventsWait() throws Exception {
        String resource = TestEvents.uniqueResource();
        try (GroupCommitter committer = writers(2, 100); Connection blocker = dataSource.getConnection()) {
            CompletableFuture<AppendResult> first = holdWriterWith(committer, blocker, event(resource));
            List<IncomingEvent> batch = IntStream.range(0, 150).mapToObj(i -> event(resource)).toList();
            CompletableFuture<AppendResult> large = committer.submit(batch);

            await().atMost(Duration.ofSeconds(10)).until(() -> writersWaitingForLock() == 2);
            blocker.commit();

            EventPosition single = ((AppendResult.Appended) first.get(10, TimeUnit.SECONDS)).positions().get(0);
            List<EventPosition> positions = ((AppendResult.Appended) large.get(10, TimeUnit.SECONDS)).positions();
            assertThat(positions).hasSize(150).extracting(EventPosition::tx).containsOnly(positions.get(0).tx())
                    .doesNotContain(single.tx());
        }
    }

    /**
     * Closing writes what is queued and refuses what comes after at once: no request is left in a queue that
     * nobody reads (a request that checked for closing before close() and queued after its last drain used to
     * wait out the whole group-commit timeout). Requests keep arriving from other threads throughout.
     */
    @Test
    void shouldAnswerEveryRequestThatArrivesWhileClosing() throws Exception {
        String resource = TestEvents.uniqueResource();
        GroupCommitter committer = oneWriter();
        var answers = new ConcurrentLinkedQueue<CompletableFuture<AppendResult>>();
        CompletableFuture<AppendResult> held;
        try (Connection blocker = dataSource.getConnection()) {
            held = holdWriterWith(committer, blocker, event(resource));
            var closing = CompletableFuture.runAsync(committer::close);
            var publishers = IntStream.range(0, 4).mapToObj(i -> CompletableFuture.runAsync(() -> {
                while (!closing.isDone()) {
                    answers.add(committer.submit(List.of(event(resource))));
                }
            })).toList();
            await().atMost(Duration.ofSeconds(10)).until(() -> answers.size() > 100);
            blocker.commit();
            closing.get(20, TimeUnit.SECONDS);
            CompletableFuture.allOf(publishers.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        }

        CompletableFuture.allOf(answers.stream().map(a -> a.exceptionally(e -> null)).toArray(CompletableFuture[]::new))
                .get(2, TimeUnit.SECONDS);
        assertThat(answers).allSatisfy(answer -> assertThat(answer).satisfiesAnyOf(
                a -> assertThat(a).isCompletedWithValueMatching(AppendResult.Appended.class::isInstance),
                a -> assertThat(a).isCompletedExceptionally().failsWithin(Duration.ZERO)
                        .withThrowableOfType(ExecutionException.class).withCauseInstanceOf(StoreUnavailableException.class)));
        assertThat(held).isCompletedWithValueMatching(AppendResult.Appended.class::isInstance);
    }

    private static GroupCommitter oneWriter() {
        return writers(1, StoreProperties.defaults().groupCommit().parallelFromEvents());
    }

    private static GroupCommitter writers(int writers, int parallelFromEvents) {
        StoreProperties.GroupCommit defaults = StoreProperties.defaults().groupCommit();
        var settings = new StoreProperties.GroupCommit(writers, parallelFromEvents, defaults.maxEvents(), defaults.maxBytes(),
                defaults.queueCapacity(), defaults.timeout());
        return new GroupCommitter(dataSource, new EventWriter(), Clock.systemUTC(), settings);
    }

    /** Locks the key table, then submits {@code event}: the single writer takes it and waits for the lock. */
    private static CompletableFuture<AppendResult> holdWriterWith(GroupCommitter committer, Connection blocker,
            IncomingEvent event) throws Exception {
        blocker.setAutoCommit(false);
        try (Statement statement = blocker.createStatement()) {
            statement.execute("LOCK TABLE event_key IN ACCESS EXCLUSIVE MODE");
        }
        CompletableFuture<AppendResult> answer = committer.submit(List.of(event));
        await().atMost(Duration.ofSeconds(10)).until(() -> writersWaitingForLock() > 0);
        return answer;
    }

    private static int writersWaitingForLock() throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             var rows = statement.executeQuery(
                     "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
