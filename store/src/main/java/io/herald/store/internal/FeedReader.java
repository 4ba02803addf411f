package io.herald.store.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import io.herald.store.EventKey;
import io.herald.store.EventPosition;
import io.herald.store.EventReference;
import io.herald.store.FeedPage;
import io.herald.store.FeedPattern;
import io.herald.store.FeedQuery;
import io.herald.store.IncomingEvent;
import io.herald.store.StoredEvent;

/**
 * Reads the log in (tx, seq) order, only below the oldest transaction still running: a row of a
 * transaction below that horizon is committed (or gone) for good, so nothing can appear behind a
 * cursor later. No time-based hold-back is needed; see docs/adr/0002-cursor.md.
 */
public final class FeedReader {

    /** A statement's text and its parameters, in order. */
    record Statement(String sql, List<Object> parameters) {

        PreparedStatement prepare(Connection connection, String prefix) throws SQLException {
            PreparedStatement statement = connection.prepareStatement(prefix + sql);
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i));
            }
            return statement;
        }
    }

    public FeedPage read(Connection connection, FeedQuery query) throws SQLException {
        try (PreparedStatement statement = page(connection, query).prepare(connection, "")) {
            List<StoredEvent> events = new ArrayList<>();
            EventPosition head = null;
            long committedBelow = Long.MAX_VALUE;
            int rowsRead = 0;
            EventPosition lastRead = null;
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    if (rows.getInt(1) == 1) {
                        long tx = rows.getLong(2);
                        head = rows.wasNull() ? null : new EventPosition(tx, rows.getLong(3));
                        committedBelow = rows.getLong(14);
                    } else {
                        StoredEvent event = event(rows, 1);
                        rowsRead++;
                        lastRead = lastRead == null || event.position().isAfter(lastRead) ? event.position() : lastRead;
                        if (hasTheTexts(query, event)) {
                            events.add(event);
                        }
                    }
                }
            }
            events.sort(Comparator.comparing(StoredEvent::position)); // one pass: the rows come in log order
            dropRepeats(events);
            UnknownPositions.check(query.after(), committedBelow);
            return new FeedPage(events, next(query, rowsRead, lastRead, head));
        }
    }

    /**
     * Whether a row found by the hashes of the subject, alternative subject and instance id ({@link #byHash}) has
     * the texts asked for: another text with the same 64-bit hash is read, and left out here.
     */
    static boolean hasTheTexts(FeedQuery query, StoredEvent event) {
        return (query.subject() == null || query.subject().equals(event.subject()))
                && (query.alternativeSubjects().isEmpty()
                        || event.alternativeSubject() != null && query.alternativeSubjects().contains(event.alternativeSubject()))
                && (query.instanceId() == null || query.instanceId().equals(IncomingEvent.instanceIdOf(event.resourceInstance())));
    }

    /**
     * Removes an event read twice, which only two alternative subjects with one hash can cause (each branch of the
     * page then reads the other's events as well); {@code events} is in log order.
     */
    private static void dropRepeats(List<StoredEvent> events) {
        for (int i = events.size() - 1; i > 0; i--) {
            if (events.get(i).position().equals(events.get(i - 1).position())) {
                events.remove(i);
            }
        }
    }

    /** The one statement that reads a page and the head. */
    Statement page(Connection connection, FeedQuery query) throws SQLException {
        var sql = new StringBuilder("""
                WITH snapshot AS MATERIALIZED (SELECT pg_current_snapshot() AS s),
                horizon AS MATERIALIZED (SELECT pg_snapshot_xmin(s)::text::bigint AS xmin, pg_snapshot_xmax(s)::text::bigint AS xmax
                    FROM snapshot),
                page AS (""");
        List<Object> parameters = new ArrayList<>();
        List<String> alternatives = query.alternativeSubjects();
        if (alternatives.size() <= 1) {
            branch(connection, sql, parameters, query, alternatives.isEmpty() ? null : alternatives.get(0));
        } else {
            // one index range scan per alternative subject, merged: an IN list would read and sort them all
            sql.append("SELECT * FROM (");
            for (int i = 0; i < alternatives.size(); i++) {
                sql.append(i == 0 ? "(" : " UNION ALL (");
                branch(connection, sql, parameters, query, alternatives.get(i));
                sql.append(')');
            }
            sql.append(") branches ORDER BY tx, seq LIMIT ?");
            parameters.add(query.limit());
        }
        // the head: the last position below the horizon, whatever the filters; looked up only for a page that is not
        // full, the only one whose cursor may move to it (a fifth of a full page's time in PostgreSQL went to it: EXPLAIN
        // ANALYZE of a page on the 6.5 M-event log of bench/run-service.sh)
        sql.append("""
                ),
                head AS (SELECT tx, seq FROM event WHERE tx < (SELECT xmin FROM horizon) AND (SELECT count(*) FROM page) < ?
                         ORDER BY tx DESC, seq DESC LIMIT 1)
                SELECT 0 AS kind, page.*, NULL::bigint AS xmax FROM page
                UNION ALL
                SELECT 1, head.tx, head.seq, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, horizon.xmax
                FROM horizon LEFT JOIN head ON true
                """);
        parameters.add(query.limit());
        // no ORDER BY over the union: the page comes in log order already, and sorting it again cost PostgreSQL as
        // much as reading it (a page of 500 events of ~1 KB); read() sorts the rows it gets, a single pass when in order
        return new Statement(sql.toString(), parameters);
    }

    /** One index-ordered scan of the page's events, with {@code alternativeSubject} (if any) as its only alternative. */
    private static void branch(Connection connection, StringBuilder sql, List<Object> parameters, FeedQuery query,
            String alternativeSubject) throws SQLException {
        sql.append("""
                SELECT tx, seq, stored_at, source, id, type, resource, subject, alternative_subject,
                       resource_instance, time, %s
                FROM event
                WHERE (tx, seq) > (?, ?) AND tx < (SELECT xmin FROM horizon)""".formatted(query.bodies() ? "body" : "NULL::text AS body"));
        parameters.add(query.after().tx());
        parameters.add(query.after().seq());
        filter(sql, parameters, "resource = ?", query.resource());
        byHash(sql, parameters, "subject", query.subject());
        byHash(sql, parameters, "alternative_subject", alternativeSubject);
        byHash(sql, parameters, "instance_id", query.instanceId());
        filter(sql, parameters, "time >= ?", query.from() == null ? null : Timestamp.from(query.from()));
        filter(sql, parameters, "time < ?", query.to() == null ? null : Timestamp.from(query.to()));
        if (query.range() != null) {
            sql.append(" AND herald_log_range(resource, ?) = ?");
            parameters.add(query.range().count());
            parameters.add(query.range().index());
        }
        patterns(connection, sql, parameters, "type", query.types(), false);
        patterns(connection, sql, parameters, "source", query.sources(), true);
        sql.append(" ORDER BY tx, seq LIMIT ?");
        parameters.add(query.limit());
    }

    /** A column that must match one of the {@link FeedPattern}s, without regard to case. */
    private static void patterns(Connection connection, StringBuilder sql, List<Object> parameters, String column,
            List<String> patterns, boolean prefix) throws SQLException {
        if (!patterns.isEmpty()) {
            sql.append(" AND lower(").append(column).append(") LIKE ANY (?)");
            parameters.add(connection.createArrayOf("text", patterns.stream().map(p -> FeedPattern.toLike(p, prefix)).toArray()));
        }
    }

    /** The log position of the first retained event with this id (of this resource, if one is named). */
    public Optional<EventPosition> positionOf(Connection connection, String eventId, String resource) throws SQLException {
        try (PreparedStatement statement = positionOf(eventId, resource).prepare(connection, "")) {
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(new EventPosition(rows.getLong(1), rows.getLong(2))) : Optional.empty();
            }
        }
    }

    /**
     * The look-up of an event id: the range of event_key's primary key that holds every key with this id (its
     * digest leads with the id's own, V53), joined to the events to compare the id itself and, if one is named,
     * the resource.
     */
    Statement positionOf(String eventId, String resource) {
        var sql = new StringBuilder("SELECT k.tx, k.seq FROM event_key k"
                + " JOIN event e ON e.stored_at = k.stored_at AND e.tx = k.tx AND e.seq = k.seq AND e.id = ?");
        List<Object> parameters = new ArrayList<>();
        parameters.add(eventId);
        if (resource != null) {
            sql.append(" AND e.resource = ?");
            parameters.add(resource);
        }
        sql.append(" WHERE k.digest BETWEEN ? AND ? ORDER BY k.tx, k.seq LIMIT 1");
        KeyDigest.IdRange range = KeyDigest.ofId(eventId);
        parameters.add(range.lowest());
        parameters.add(range.highest());
        return new Statement(sql.toString(), parameters);
    }

    /**
     * Where the next page starts. A full page ends at its last row read (its last event, or a row of
     * another text with the same hash, left out). A shorter page held every matching event up to the
     * head (below the horizon nothing can still appear), so the cursor moves to the head: a feed whose
     * events are rare does not re-read the log's tail every time.
     */
    private static EventPosition next(FeedQuery query, int rowsRead, EventPosition lastRead, EventPosition head) {
        EventPosition next = lastRead == null ? query.after() : lastRead;
        if (rowsRead < query.limit() && head != null && head.isAfter(next)) {
            return head;
        }
        return next;
    }

    /** The referenced events still retained; the stored time leads each look-up to its partition. */
    public List<StoredEvent> find(Connection connection, Collection<EventReference> references) throws SQLException {
        if (references.isEmpty()) {
            return List.of();
        }
        Timestamp[] storedAt = new Timestamp[references.size()];
        Long[] txs = new Long[references.size()];
        Long[] seqs = new Long[references.size()];
        int i = 0;
        for (EventReference reference : references) {
            storedAt[i] = Timestamp.from(reference.storedAt());
            txs[i] = reference.position().tx();
            seqs[i] = reference.position().seq();
            i++;
        }
        try (PreparedStatement statement = connection.prepareStatement("""
                SELECT e.tx, e.seq, e.stored_at, e.source, e.id, e.type, e.resource, e.subject, e.alternative_subject,
                       e.resource_instance, e.time, e.body
                FROM unnest(?::timestamptz[], ?::bigint[], ?::bigint[]) AS r(stored_at, tx, seq)
                JOIN event e ON e.stored_at = r.stored_at AND e.tx = r.tx AND e.seq = r.seq
                """)) {
            statement.setArray(1, connection.createArrayOf("timestamptz", storedAt));
            statement.setArray(2, connection.createArrayOf("bigint", txs));
            statement.setArray(3, connection.createArrayOf("bigint", seqs));
            return events(statement);
        }
    }

    private static List<StoredEvent> events(PreparedStatement statement) throws SQLException {
        List<StoredEvent> events = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                events.add(event(rows, 0));
            }
        }
        return events;
    }

    /** The event in the row's columns after the first {@code skip}. */
    private static StoredEvent event(ResultSet rows, int skip) throws SQLException {
        return new StoredEvent(
                new EventPosition(rows.getLong(skip + 1), rows.getLong(skip + 2)),
                rows.getTimestamp(skip + 3).toInstant(),
                new EventKey(rows.getString(skip + 4), rows.getString(skip + 5)),
                rows.getString(skip + 6),
                rows.getString(skip + 7),
                rows.getString(skip + 8),
                rows.getString(skip + 9),
                rows.getString(skip + 10),
                rows.getTimestamp(skip + 11).toInstant(),
                rows.getString(skip + 12));
    }

    /**
     * A text column indexed by its 64-bit hash (V54, ADR 0025): the statement asks for the hash alone, and
     * {@link #hasTheTexts} compares the texts of the rows read. Comparing the text in the statement as well would
     * have PostgreSQL multiply the two conditions' selectivities, as if independent, and expect a subject's
     * thousands of events to be one: a plan that reads all of them and sorts them for a page of 50.
     */
    private static void byHash(StringBuilder sql, List<Object> parameters, String column, String value) {
        if (value != null) {
            sql.append(" AND hashtextextended(").append(column).append(", 0) = hashtextextended(?, 0)");
            parameters.add(value);
        }
    }

    private static void filter(StringBuilder sql, List<Object> parameters, String condition, Object value) {
        if (value != null) {
            sql.append(" AND ").append(condition);
            parameters.add(value);
        }
    }
}
