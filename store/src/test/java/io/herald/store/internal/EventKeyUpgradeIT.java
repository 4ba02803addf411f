package io.herald.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.herald.store.AppendResult;
import io.herald.store.EventPosition;
import io.herald.store.IncomingEvent;
import io.herald.store.StoreProperties;
import io.herald.store.TestDatabases;
import io.herald.store.TestEvents;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An installation that stored events before event_key was keyed by digest (V53) keeps its keys: the
 * migration computes in SQL the digest {@link KeyDigest} computes in Java, so a re-publish after the
 * upgrade is still a duplicate (or a conflict), and a feed still resumes after a stored event's id.
 */
class EventKeyUpgradeIT {

    private static final String RESOURCE = "urn:altinn:resource:app_ttd_bøker";
    private static HikariDataSource dataSource;
    private static IncomingEvent stored;
    private static final EventPosition STORED_AT = new EventPosition(1000, 42);

    @BeforeAll
    static void storeAKeyAtV52ThenUpgrade() throws SQLException {
        var config = new HikariConfig();
        config.setJdbcUrl(TestDatabases.recreate("herald_event_key_upgrade_it"));
        config.setUsername(TestDatabases.USER);
        config.setMaximumPoolSize(4);
        dataSource = new HikariDataSource(config);
        Flyway.configure().dataSource(dataSource).target("52").load().migrate();
        new PartitionMaintenance(dataSource, Clock.systemUTC(), StoreProperties.defaults()).run();

        ObjectNode json = TestEvents.json(RESOURCE);
        json.put("source", "https://apps.example/ttd/søknad/instances/51001234");
        json.put("id", "hendelse-" + UUID.randomUUID() + "-æøå");
        stored = TestEvents.parse(json);
        Timestamp now = Timestamp.from(Instant.now());
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement key = connection.prepareStatement(
                    "INSERT INTO event_key (resource, source, id, content_hash, tx, seq, stored_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                key.setString(1, stored.resource());
                key.setString(2, stored.key().source());
                key.setString(3, stored.key().id());
                key.setBytes(4, stored.contentHash());
                key.setLong(5, STORED_AT.tx());
                key.setLong(6, STORED_AT.seq());
                key.setTimestamp(7, now);
                key.executeUpdate();
            }
            try (PreparedStatement event = connection.prepareStatement("""
                    INSERT INTO event (stored_at, tx, seq, source, id, type, resource, time, body)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                event.setTimestamp(1, now);
                event.setLong(2, STORED_AT.tx());
                event.setLong(3, STORED_AT.seq());
                event.setString(4, stored.key().source());
                event.setString(5, stored.key().id());
                event.setString(6, stored.type());
                event.setString(7, stored.resource());
                event.setTimestamp(8, now);
                event.setString(9, stored.json());
                event.executeUpdate();
            }
        }
        TestDatabases.migrate(dataSource);
    }

    @AfterAll
    static void stop() {
        dataSource.close();
    }

    @Test
    void shouldComputeTheDigestInTheMigrationAsHeraldDoes() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT tx, seq FROM event_key WHERE digest = ?")) {
            select.setObject(1, KeyDigest.of(stored.resource(), stored.key().source(), stored.key().id()));
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).isTrue();
                assertThat(new EventPosition(row.getLong(1), row.getLong(2))).isEqualTo(STORED_AT);
            }
        }
    }

    @Test
    void shouldAnswerARepublishAfterTheUpgradeWithThePositionStoredBefore() {
        try (var store = new PostgresEventStore(dataSource, Clock.systemUTC(), StoreProperties.defaults())) {
            assertThat(store.append(List.of(stored))).isEqualTo(new AppendResult.Appended(List.of(STORED_AT)));

            ObjectNode changed = (ObjectNode) JsonMapper.builder().build().readTree(stored.json());
            changed.put("type", "app.instance.process.completed");
            assertThat(store.append(List.of(TestEvents.parse(changed)))).isEqualTo(new AppendResult.Conflicted(stored.key()));

            assertThat(store.positionOf(stored.key().id(), RESOURCE)).contains(STORED_AT);
            assertThat(store.positionOf(stored.key().id(), null)).contains(STORED_AT);
        }
    }
}
