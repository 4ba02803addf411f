package io.herald.store.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.herald.store.LogMaintenance;
import io.herald.store.StoreProperties;

/**
 * Keeps the event log's monthly partitions (UTC months): creates the current month's and
 * {@code partitionsAhead} more before they are needed, drops a month once all of it is older than
 * the retention period, and forgets the idempotency keys of dropped events. Safe to run on every
 * instance at once: an advisory lock lets one do the work.
 */
public final class PartitionMaintenance {

    /** The upkeep as the rest of Herald schedules it. */
    public LogMaintenance asLogMaintenance() {
        return this::run;
    }

    /** What one run changed. */
    public record Report(List<YearMonth> created, List<YearMonth> dropped, long keysForgotten) {
    }

    private static final Logger log = LoggerFactory.getLogger(PartitionMaintenance.class);
    private static final Pattern PARTITION = Pattern.compile("event_p(\\d{4})_(\\d{2})");
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("'event_p'yyyy_MM");
    private static final long LOCK_KEY = 0x4845_5241_4c44_0001L;
    private static final int KEY_DELETE_BATCH = 10_000;

    private final DataSource dataSource;
    private final Clock clock;
    private final StoreProperties properties;

    public PartitionMaintenance(DataSource dataSource, Clock clock, StoreProperties properties) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.properties = properties;
    }

    public Report run() {
        try {
            Instant now = clock.instant();
            Instant cutoff = now.atZone(ZoneOffset.UTC).minus(properties.retention()).toInstant();
            List<YearMonth> created = new ArrayList<>();
            List<YearMonth> dropped = new ArrayList<>();
            Optional<YearMonth> oldestKept;
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SET LOCAL lock_timeout = '10s'");
                    statement.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
                }
                TreeSet<YearMonth> existing = partitions(connection);
                YearMonth current = YearMonth.from(now.atZone(ZoneOffset.UTC));
                for (YearMonth month = current; !month.isAfter(current.plusMonths(properties.partitionsAhead())); month = month.plusMonths(1)) {
                    if (!existing.contains(month)) {
                        create(connection, month);
                        created.add(month);
                        existing.add(month);
                    }
                }
                for (YearMonth month : List.copyOf(existing)) {
                    if (!start(month.plusMonths(1)).isAfter(cutoff)) {
                        drop(connection, month);
                        dropped.add(month);
                        existing.remove(month);
                    }
                }
                connection.commit();
                oldestKept = existing.isEmpty() ? Optional.empty() : Optional.of(existing.first());
            }
            long forgotten = oldestKept.map(month -> forgetKeysBefore(start(month))).orElse(0L);
            if (!created.isEmpty() || !dropped.isEmpty() || forgotten > 0) {
                log.info("Event log partitions: created {}, dropped {} (retention {}), forgot {} idempotency keys",
                        created, dropped, properties.retention(), forgotten);
            }
            return new Report(created, dropped, forgotten);
        } catch (SQLException e) {
            throw new IllegalStateException("event log partition maintenance failed: " + e.getMessage(), e);
        }
    }

    private static TreeSet<YearMonth> partitions(Connection connection) throws SQLException {
        var months = new TreeSet<YearMonth>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("""
                     SELECT c.relname FROM pg_inherits i
                     JOIN pg_class c ON c.oid = i.inhrelid
                     JOIN pg_class p ON p.oid = i.inhparent
                     WHERE p.relname = 'event' AND p.relnamespace = current_schema()::regnamespace
                     """)) {
            while (rows.next()) {
                Matcher name = PARTITION.matcher(rows.getString(1));
                if (name.matches()) {
                    months.add(YearMonth.of(Integer.parseInt(name.group(1)), Integer.parseInt(name.group(2))));
                }
            }
        }
        return months;
    }

    private static void create(Connection connection, YearMonth month) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS " + NAME.format(month) + " PARTITION OF event FOR VALUES FROM ('"
                    + start(month) + "') TO ('" + start(month.plusMonths(1)) + "')");
        }
    }

    private static void drop(Connection connection, YearMonth month) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS " + NAME.format(month));
        }
    }

    /** Deletes keys in small transactions, so that publishing never waits long on this. */
    private long forgetKeysBefore(Instant start) {
        long total = 0;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement("""
                     DELETE FROM event_key WHERE ctid = ANY (ARRAY(
                         SELECT ctid FROM event_key WHERE stored_at < ? LIMIT ?))
                     """)) {
            delete.setTimestamp(1, Timestamp.from(start));
            delete.setInt(2, KEY_DELETE_BATCH);
            int deleted;
            do {
                deleted = delete.executeUpdate();
                total += deleted;
            } while (deleted == KEY_DELETE_BATCH);
        } catch (SQLException e) {
            throw new IllegalStateException("could not forget expired idempotency keys: " + e.getMessage(), e);
        }
        return total;
    }

    private static Instant start(YearMonth month) {
        return month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}
