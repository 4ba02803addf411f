package io.herald.store.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import io.herald.store.EventKey;
import io.herald.store.EventPosition;
import io.herald.store.EventReference;
import io.herald.store.FeedPage;
import io.herald.store.FeedQuery;
import io.herald.store.StoredEvent;

/**
 * Reads the log in (tx, seq) order, only below the oldest transaction still running: a row of a
 * transaction below that horizon is committed (or gone) for good, so nothing can appear behind a
 * cursor later. No time-based hold-back is needed; see docs/adr/0002-cursor.md.
 */
public final class FeedReader {

    public FeedPage read(Connection connection, FeedQuery query) throws SQLException {
        var sql = new StringBuilder("""
                WITH snapshot AS MATERIALIZED (SELECT pg_current_snapshot() AS s),
                horizon AS MATERIALIZED (SELECT pg_snapshot_xmin(s)::text::bigint AS xmin, pg_snapshot_xmax(s)::text::bigint AS xmax
                    FROM snapshot),
                page AS (
                    SELECT tx, seq, stored_at, source, id, type, resource, subject, alternative_subject,
                           resource_instance, time, body
                    FROM event
                    WHERE (tx, seq) > (?, ?) AND tx < (SELECT xmin FROM horizon)""");
        List<Object> parameters = new ArrayList<>(List.of(query.after().tx(), query.after().seq()));
        filter(sql, parameters, "resource = ?", query.resource());
        filter(sql, parameters, "subject = ?", query.subject());
        filter(sql, parameters, "alternative_subject = ?", query.alternativeSubject());
        filter(sql, parameters, "starts_with(source, ?)", query.sourcePrefix());
        filter(sql, parameters, "instance_id = ?", query.instanceId());
        filter(sql, parameters, "time >= ?", query.from() == null ? null : Timestamp.from(query.from()));
        filter(sql, parameters, "time < ?", query.to() == null ? null : Timestamp.from(query.to()));
        if (query.range() != null) {
            sql.append(" AND herald_log_range(resource, ?) = ?");
            parameters.add(query.range().count());
            parameters.add(query.range().index());
        }
        if (!query.types().isEmpty()) {
            sql.append(" AND type = ANY (?)");
            parameters.add(connection.createArrayOf("text", query.types().toArray()));
        }
        // the head: the last position below the horizon, whatever the filters
        sql.append("""
                 ORDER BY tx, seq LIMIT ?),
                head AS (SELECT tx, seq FROM event WHERE tx < (SELECT xmin FROM horizon) ORDER BY tx DESC, seq DESC LIMIT 1)
                SELECT 0 AS kind, page.*, NULL::bigint AS xmax FROM page
                UNION ALL
                SELECT 1, head.tx, head.seq, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, horizon.xmax
                FROM horizon LEFT JOIN head ON true
                ORDER BY kind, tx, seq
                """);
        parameters.add(query.limit());

        try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i));
            }
            List<StoredEvent> events = new ArrayList<>();
            EventPosition head = null;
            long committedBelow = Long.MAX_VALUE;
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    if (rows.getInt(1) == 1) {
                        long tx = rows.getLong(2);
                        head = rows.wasNull() ? null : new EventPosition(tx, rows.getLong(3));
                        committedBelow = rows.getLong(14);
                    } else {
                        events.add(event(rows, 1));
                    }
                }
            }
            UnknownPositions.check(query.after(), committedBelow);
            return new FeedPage(events, next(query, events, head));
        }
    }

    /**
     * Where the next page starts. A full page ends at its last event. A shorter page held every
     * matching event up to the head (below the horizon nothing can still appear), so the cursor
     * moves to the head: a feed whose events are rare does not re-read the log's tail every time.
     */
    private static EventPosition next(FeedQuery query, List<StoredEvent> events, EventPosition head) {
        EventPosition next = events.isEmpty() ? query.after() : events.get(events.size() - 1).position();
        if (events.size() < query.limit() && head != null && head.isAfter(next)) {
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

    private static void filter(StringBuilder sql, List<Object> parameters, String condition, Object value) {
        if (value != null) {
            sql.append(" AND ").append(condition);
            parameters.add(value);
        }
    }
}
