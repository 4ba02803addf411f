package io.herald.store.internal;

import static io.herald.store.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import com.zaxxer.hikari.HikariDataSource;

import io.herald.store.AppendResult;
import io.herald.store.EventPosition;
import io.herald.store.FeedQuery;
import io.herald.store.IncomingEvent;
import io.herald.store.MutableClock;
import io.herald.store.StoreProperties;
import io.herald.store.TestDatabases;
import io.herald.store.TestEvents;

class PartitionMaintenanceIT {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-15T10:00:00Z"));
    private HikariDataSource dataSource;
    private PostgresEventStore store;
    private PartitionMaintenance maintenance;

    @BeforeEach
    void start() {
        dataSource = TestDatabases.migrated("herald_partitions_it", 4);
        StoreProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                "herald.store.retention", "P3M", "herald.store.partitions-ahead", "2")))
                .bindOrCreate("herald.store", StoreProperties.class);
        maintenance = new PartitionMaintenance(dataSource, clock, properties);
        store = new PostgresEventStore(dataSource, clock, properties);
    }

    @AfterEach
    void stop() {
        store.close();
        dataSource.close();
    }

    @Test
    void shouldCreateTheCurrentMonthAndTheConfiguredMonthsAhead() throws SQLException {
        var report = maintenance.run();

        assertThat(report.created()).containsExactly(YearMonth.of(2026, 1), YearMonth.of(2026, 2), YearMonth.of(2026, 3));
        assertThat(partitions()).containsExactly("event_p2026_01", "event_p2026_02", "event_p2026_03");
        assertThat(maintenance.run().created()).as("a second run finds nothing to do").isEmpty();
    }

    @Test
    void shouldDropAMonthOnlyOnceAllOfItIsOlderThanTheRetention() throws SQLException {
        maintenance.run();
        String resource = TestEvents.uniqueResource();
        IncomingEvent january = event(resource);
        store.append(List.of(january));
        clock.set(Instant.parse("2026-02-10T10:00:00Z"));
        IncomingEvent february = event(resource);
        store.append(List.of(february));

        clock.set(Instant.parse("2026-04-30T23:59:59Z"));
        assertThat(maintenance.run().dropped()).as("January's last day is younger than three months").isEmpty();
        assertThat(ids(resource)).containsExactly(january.key().id(), february.key().id());

        clock.set(Instant.parse("2026-05-01T00:00:00Z"));
        var report = maintenance.run();

        assertThat(report.dropped()).containsExactly(YearMonth.of(2026, 1));
        assertThat(report.keysForgotten()).isEqualTo(1);
        assertThat(partitions()).doesNotContain("event_p2026_01").contains("event_p2026_05", "event_p2026_07");
        assertThat(ids(resource)).containsExactly(february.key().id());
        var republished = (AppendResult.Appended) store.append(List.of(february));
        assertThat(republished.positions()).as("February's event is still known: re-publishing it stores nothing")
                .containsExactly(readPosition(resource));
    }

    @Test
    void shouldStoreAnEventRepublishedInALaterMonthOnce() {
        maintenance.run();
        String resource = TestEvents.uniqueResource();
        IncomingEvent event = event(resource);
        var first = store.append(List.of(event));

        clock.set(Instant.parse("2026-02-03T08:00:00Z"));
        var again = store.append(List.of(event));

        assertThat(again).isEqualTo(first);
        assertThat(ids(resource)).containsExactly(event.key().id());
    }

    private EventPosition readPosition(String resource) {
        return store.read(FeedQuery.after(EventPosition.START, 10).withResource(resource)).events().get(0).position();
    }

    private List<String> ids(String resource) {
        return store.read(FeedQuery.after(EventPosition.START, 10).withResource(resource)).events().stream()
                .map(e -> e.key().id()).toList();
    }

    private List<String> partitions() throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = 'event'::regclass ORDER BY 1")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }
}
