package io.herald.store.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.herald.store.AppendResult;
import io.herald.store.EventKey;
import io.herald.store.EventPosition;
import io.herald.store.IncomingEvent;

/**
 * Writes the events of several publish requests within the caller's transaction, each request all
 * or nothing. Duplicates (same key, same content) answer with the stored position; a key stored
 * with other content fails its request only. The caller commits, then hands out the results.
 */
public final class EventWriter {

    private static final HexFormat HEX = HexFormat.of();

    /**
     * Thrown when another transaction stored one of the keys between our look-up and our insert:
     * the caller rolls back and runs the group again, which then sees that key.
     */
    static final class ConcurrentKeyException extends RuntimeException {
        ConcurrentKeyException() {
            super("an event key was stored concurrently", null, false, false);
        }
    }

    /** Where one event of the group ends up: at a position already stored, or the n-th new row. */
    private record Planned(byte[] hash, EventPosition stored, int newIndex) {
    }

    /**
     * @return one result per request, in order
     * @throws ConcurrentKeyException when the group must be retried in a new transaction
     */
    public List<AppendResult> write(Connection connection, List<List<IncomingEvent>> requests, Instant storedAt)
            throws SQLException {
        Map<EventKey, Planned> known = lookUpStored(connection, requests);
        List<IncomingEvent> fresh = new ArrayList<>();
        List<Object> outcomes = new ArrayList<>(requests.size());
        for (List<IncomingEvent> request : requests) {
            outcomes.add(plan(request, known, fresh));
        }
        EventPosition[] positions = fresh.isEmpty() ? new EventPosition[0] : insert(connection, fresh, storedAt);

        List<AppendResult> results = new ArrayList<>(requests.size());
        for (Object outcome : outcomes) {
            if (outcome instanceof AppendResult.Conflicted conflicted) {
                results.add(conflicted);
                continue;
            }
            @SuppressWarnings("unchecked")
            List<Planned> planned = (List<Planned>) outcome;
            results.add(new AppendResult.Appended(planned.stream()
                    .map(p -> p.stored() != null ? p.stored() : positions[p.newIndex()])
                    .toList()));
        }
        return results;
    }

    /**
     * Plans one request against what is stored and what earlier requests of the group add: returns
     * the request's {@link Planned} events, adding its new ones to {@code fresh}, or a conflict
     * (then nothing of it is added).
     */
    private static Object plan(List<IncomingEvent> request, Map<EventKey, Planned> known, List<IncomingEvent> fresh) {
        Map<EventKey, Planned> added = new LinkedHashMap<>();
        List<IncomingEvent> newEvents = new ArrayList<>();
        List<Planned> planned = new ArrayList<>(request.size());
        for (IncomingEvent event : request) {
            Planned existing = added.getOrDefault(event.key(), known.get(event.key()));
            if (existing != null) {
                if (!Arrays.equals(existing.hash(), event.contentHash())) {
                    return new AppendResult.Conflicted(event.key());
                }
                planned.add(existing);
                continue;
            }
            Planned next = new Planned(event.contentHash(), null, fresh.size() + newEvents.size());
            added.put(event.key(), next);
            newEvents.add(event);
            planned.add(next);
        }
        known.putAll(added);
        fresh.addAll(newEvents);
        return planned;
    }

    private static Map<EventKey, Planned> lookUpStored(Connection connection, List<List<IncomingEvent>> requests)
            throws SQLException {
        List<String> sources = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (List<IncomingEvent> request : requests) {
            for (IncomingEvent event : request) {
                sources.add(event.key().source());
                ids.add(event.key().id());
            }
        }
        Map<EventKey, Planned> stored = new LinkedHashMap<>();
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT k.source, k.id, k.content_hash, k.tx, k.seq
                FROM unnest(?::text[], ?::text[]) AS q(source, id)
                JOIN event_key k ON k.source = q.source AND k.id = q.id
                """)) {
            select.setArray(1, connection.createArrayOf("text", sources.toArray()));
            select.setArray(2, connection.createArrayOf("text", ids.toArray()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    stored.put(new EventKey(rows.getString(1), rows.getString(2)),
                            new Planned(rows.getBytes(3), new EventPosition(rows.getLong(4), rows.getLong(5)), -1));
                }
            }
        }
        return stored;
    }

    private static EventPosition[] insert(Connection connection, List<IncomingEvent> events, Instant storedAt)
            throws SQLException {
        int n = events.size();
        long tx = 0;
        Long[] seqs = new Long[n];
        try (PreparedStatement allocate = connection.prepareStatement(
                "SELECT pg_current_xact_id()::text::bigint, nextval('event_seq') FROM generate_series(1, ?)")) {
            allocate.setInt(1, n);
            try (ResultSet rows = allocate.executeQuery()) {
                for (int i = 0; rows.next(); i++) {
                    tx = rows.getLong(1);
                    seqs[i] = rows.getLong(2);
                }
            }
        }
        String[] sources = new String[n];
        String[] ids = new String[n];
        String[] hashes = new String[n];
        String[] types = new String[n];
        String[] resources = new String[n];
        String[] subjects = new String[n];
        String[] alternativeSubjects = new String[n];
        String[] resourceInstances = new String[n];
        String[] instanceIds = new String[n];
        Timestamp[] times = new Timestamp[n];
        String[] bodies = new String[n];
        Timestamp stored = Timestamp.from(storedAt);
        EventPosition[] positions = new EventPosition[n];
        for (int i = 0; i < n; i++) {
            IncomingEvent event = events.get(i);
            sources[i] = event.key().source();
            ids[i] = event.key().id();
            hashes[i] = HEX.formatHex(event.contentHash());
            types[i] = event.type();
            resources[i] = event.resource();
            subjects[i] = event.subject();
            alternativeSubjects[i] = event.alternativeSubject();
            resourceInstances[i] = event.resourceInstance();
            instanceIds[i] = event.instanceId();
            times[i] = event.time() != null ? Timestamp.from(event.time()) : stored;
            bodies[i] = event.json();
            positions[i] = new EventPosition(tx, seqs[i]);
        }
        try (PreparedStatement keys = connection.prepareStatement("""
                INSERT INTO event_key (source, id, content_hash, tx, seq, stored_at)
                SELECT source, id, decode(hash, 'hex'), ?, seq, ?
                FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[]) AS u(source, id, hash, seq)
                ORDER BY source, id
                ON CONFLICT DO NOTHING
                """)) {
            keys.setLong(1, tx);
            keys.setTimestamp(2, stored);
            keys.setArray(3, connection.createArrayOf("text", sources));
            keys.setArray(4, connection.createArrayOf("text", ids));
            keys.setArray(5, connection.createArrayOf("text", hashes));
            keys.setArray(6, connection.createArrayOf("bigint", seqs));
            if (keys.executeUpdate() != n) {
                throw new ConcurrentKeyException();
            }
        }
        try (PreparedStatement rows = connection.prepareStatement("""
                INSERT INTO event (stored_at, tx, seq, source, id, type, resource, subject, alternative_subject,
                                   resource_instance, instance_id, time, body)
                SELECT ?, ?, u.*
                FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                            ?::text[], ?::text[], ?::timestamptz[], ?::text[])
                     AS u(seq, source, id, type, resource, subject, alternative_subject, resource_instance,
                          instance_id, time, body)
                """)) {
            int p = 1;
            rows.setTimestamp(p++, stored);
            rows.setLong(p++, tx);
            rows.setArray(p++, connection.createArrayOf("bigint", seqs));
            rows.setArray(p++, connection.createArrayOf("text", sources));
            rows.setArray(p++, connection.createArrayOf("text", ids));
            rows.setArray(p++, connection.createArrayOf("text", types));
            rows.setArray(p++, connection.createArrayOf("text", resources));
            rows.setArray(p++, connection.createArrayOf("text", subjects));
            rows.setArray(p++, connection.createArrayOf("text", alternativeSubjects));
            rows.setArray(p++, connection.createArrayOf("text", resourceInstances));
            rows.setArray(p++, connection.createArrayOf("text", instanceIds));
            rows.setArray(p++, connection.createArrayOf("timestamptz", times));
            rows.setArray(p, connection.createArrayOf("text", bodies));
            rows.executeUpdate();
        }
        return positions;
    }
}
