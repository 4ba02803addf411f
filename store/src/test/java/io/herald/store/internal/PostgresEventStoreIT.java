package io.herald.store.internal;

import static io.herald.store.TestEvents.event;
import static io.herald.store.TestEvents.uniqueResource;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariDataSource;

import io.herald.store.AppendResult;
import io.herald.store.EventPosition;
import io.herald.store.EventStore;
import io.herald.store.EventStoreContract;
import io.herald.store.FeedPage;
import io.herald.store.FeedQuery;
import io.herald.store.IncomingEvent;
import io.herald.store.StoreProperties;
import io.herald.store.TestDatabases;

class PostgresEventStoreIT extends EventStoreContract {

    private static HikariDataSource dataSource;
    private static PostgresEventStore store;

    @BeforeAll
    static void start() {
        dataSource = TestDatabases.migrated("herald_store_contract_it", 8);
        new PartitionMaintenance(dataSource, Clock.systemUTC(), StoreProperties.defaults()).run();
        store = new PostgresEventStore(dataSource, Clock.systemUTC(), StoreProperties.defaults());
    }

    @AfterAll
    static void stop() {
        store.close();
        dataSource.close();
    }

    @Override
    protected EventStore store() {
        return store;
    }

    /**
     * An event's own position (the publish answer's Herald-Position) is a valid cursor at once, even while an
     * older transaction is still open and holds the read horizon below it: the check needs no hold-back.
     */
    @Test
    void shouldAcceptThePositionOfAnEventCommittedWhileAnOlderTransactionIsStillOpen() throws SQLException {
        try (Connection older = dataSource.getConnection(); Statement statement = older.createStatement()) {
            older.setAutoCommit(false);
            statement.execute("SELECT pg_current_xact_id()");
            var appended = (AppendResult.Appended) store.append(List.of(event(uniqueResource())));
            EventPosition published = appended.positions().get(0);

            FeedPage page = store.read(FeedQuery.after(published, 10));

            assertThat(page.events()).isEmpty();
            assertThat(page.next()).isEqualTo(published);
            older.rollback();
        }
    }

    /**
     * Two Herald instances publishing the same events at the same moment: every request is answered as
     * stored, both instances answer each event with one position, and the log holds each event once (a
     * key claimed by the other instance's open transaction fails the insert when that one commits, and
     * the group is planned again against the stored keys).
     */
    @Test
    void shouldStoreEachEventOnceWhenTwoInstancesPublishItAtTheSameTime() throws Exception {
        String resource = uniqueResource();
        List<IncomingEvent> events = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            events.add(event(resource));
        }
        ExecutorService clients = Executors.newFixedThreadPool(16);
        try (var other = new PostgresEventStore(dataSource, Clock.systemUTC(), StoreProperties.defaults())) {
            List<CompletableFuture<AppendResult>> first = new ArrayList<>();
            List<CompletableFuture<AppendResult>> second = new ArrayList<>();
            for (IncomingEvent event : events) {
                first.add(CompletableFuture.supplyAsync(() -> store.append(List.of(event)), clients));
                second.add(CompletableFuture.supplyAsync(() -> other.append(List.of(event)), clients));
            }
            for (int i = 0; i < events.size(); i++) {
                assertThat(first.get(i).join()).isInstanceOf(AppendResult.Appended.class).isEqualTo(second.get(i).join());
            }
        } finally {
            clients.shutdown();
        }
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                var rows = statement.executeQuery("SELECT count(*), count(DISTINCT id) FROM event WHERE resource = '" + resource + "'")) {
            rows.next();
            assertThat(rows.getInt(1)).isEqualTo(events.size());
            assertThat(rows.getInt(2)).isEqualTo(events.size());
        }
    }

    /** The matcher follows the log on the events' attributes: their JSON is not read for it; a feed page carries it. */
    @Test
    void shouldFollowTheLogWithoutTheEventsJsonButReadFeedPagesWithIt() {
        FeedPage before = store.follow(EventPosition.START, 1_000_000);
        IncomingEvent event = event(uniqueResource());
        store.append(List.of(event));

        var followed = store.follow(before.next(), 10).events();
        var read = store.read(FeedQuery.after(before.next(), 10)).events();

        assertThat(followed).singleElement().satisfies(e -> {
            assertThat(e.key()).isEqualTo(event.key());
            assertThat(e.resource()).isEqualTo(event.resource());
            assertThat(e.json()).isNull();
        });
        assertThat(read).singleElement().extracting(e -> e.json()).isEqualTo(event.json());
    }
}
