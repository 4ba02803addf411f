package io.herald.store.internal;

import static io.herald.store.TestEvents.event;
import static io.herald.store.TestEvents.uniqueResource;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;

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
}
