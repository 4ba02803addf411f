package io.herald.store.internal;

import static io.herald.store.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

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
        dataSource = TestDatabases.migrated("herald_group_commit_it", 4);
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
        var stored = new FeedReader().read(dataSource.getConnection(), FeedQuery.after(EventPosition.START, 10).withResource(resource));
        assertThat(stored.events()).hasSize(3);
    }

    private static GroupCommitter oneWriter() {
        StoreProperties defaults = StoreProperties.defaults();
        var settings = new StoreProperties.GroupCommit(1, defaults.groupCommit().maxEvents(), defaults.groupCommit().maxBytes(),
                defaults.groupCommit().queueCapacity(), defaults.groupCommit().timeout());
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
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> writerIsWaitingForLock());
        return answer;
    }

    private static boolean writerIsWaitingForLock() throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             var rows = statement.executeQuery(
                     "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
            rows.next();
            return rows.getInt(1) > 0;
        }
    }
}
