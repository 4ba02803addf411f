package io.herald.store.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.herald.store.AppendResult;
import io.herald.store.EventPosition;
import io.herald.store.IncomingEvent;

/**
 * Writes the events of several publish requests within the caller's transaction, each request all
 * or nothing. Duplicates (same key, same content) answer with the stored position; a key stored
 * with other content fails its request only. The caller commits, then hands out the results.
 */
public final class EventWriter {

    /**
     * SQLSTATE of a unique violation: in the insert statement only {@code event_key}'s primary key
     * can raise it (the event partitions have no unique index), so it means a key was taken.
     */
    static final String KEY_TAKEN = "23505";

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
     * What idempotency is keyed on: {@code (source, id)} within the event's resource, so that an
     * event of one resource never makes another resource's event a duplicate or a conflict — only
     * those who may publish to a resource can take its keys (docs/adr/0013); stored as its
     * {@link KeyDigest}.
     */
    private static UUID digest(IncomingEvent event) {
        return KeyDigest.of(event.resource(), event.key().source(), event.key().id());
    }

    /** One request's plan: where each of its events ends up, or the conflict that fails it. */
    private record Plan(List<Planned> events, AppendResult.Conflicted conflict) {
    }

    /**
     * Writes the group in one statement on a connection in autocommit mode: the statement is its own
     * transaction, durable when this returns. Empty when some key was stored already (then nothing
     * was kept), and the caller writes the group with {@link #write} in a transaction instead.
     */
    public Optional<List<AppendResult>> writeAtOnce(Connection connection, List<List<IncomingEvent>> requests,
            Instant storedAt) throws SQLException {
        WriteOrder order = WriteOrder.byResource(requests);
        try {
            return Optional.of(order.restore(answers(order.requests(), insert(connection, flatten(order.requests()), storedAt))));
        } catch (SQLException e) {
            if (KEY_TAKEN.equals(e.getSQLState())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Writes the group within the caller's transaction (autocommit off). The common case — no key
     * stored before — is one statement. When any key is known already, the transaction is rolled
     * back and the group is planned against the stored keys first (duplicates answer with their
     * stored position, conflicts fail their request); the caller commits.
     *
     * @return one result per request, in order
     * @throws ConcurrentKeyException when the group must be retried in a new transaction
     */
    public List<AppendResult> write(Connection connection, List<List<IncomingEvent>> requests, Instant storedAt)
            throws SQLException {
        WriteOrder order = WriteOrder.byResource(requests);
        try {
            return order.restore(answers(order.requests(), insert(connection, flatten(order.requests()), storedAt)));
        } catch (SQLException e) {
            if (!KEY_TAKEN.equals(e.getSQLState())) {
                throw e;
            }
        }
        connection.rollback();
        return order.restore(writePlanned(connection, order.requests(), storedAt));
    }

    /**
     * The order a group's requests are written in: by the resource of each request's first event, keeping the order
     * of one resource's requests and every request's own order (a batch is never reordered). Feeds are read by
     * resource, and the rows of a group land in the table's pages in the order they are numbered: a resource's events
     * of one group then share a page or two instead of lying one a page among the other resources' (a 50-event page
     * of the bench's log touched 55 buffers, 18 of them not in PostgreSQL's buffers). Requests of one group are
     * concurrent, so no client can tell which of them was numbered first (docs/adr/0023).
     */
    private record WriteOrder(List<List<IncomingEvent>> requests, int[] given) {

        static WriteOrder byResource(List<List<IncomingEvent>> requests) {
            Integer[] order = new Integer[requests.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            if (order.length > 1) {
                Arrays.sort(order, Comparator.comparing(i -> resourceOf(requests.get(i)))); // stable
            }
            List<List<IncomingEvent>> sorted = new ArrayList<>(order.length);
            int[] given = new int[order.length];
            for (int i = 0; i < order.length; i++) {
                sorted.add(requests.get(order[i]));
                given[i] = order[i];
            }
            return new WriteOrder(sorted, given);
        }

        private static String resourceOf(List<IncomingEvent> request) {
            return request.isEmpty() ? "" : request.get(0).resource();
        }

        /** The results of {@link #requests()}, back in the order the requests were given. */
        List<AppendResult> restore(List<AppendResult> results) {
            AppendResult[] inGivenOrder = new AppendResult[results.size()];
            for (int i = 0; i < inGivenOrder.length; i++) {
                inGivenOrder[given[i]] = results.get(i);
            }
            return Arrays.asList(inGivenOrder);
        }
    }

    private static List<IncomingEvent> flatten(List<List<IncomingEvent>> requests) {
        return requests.stream().flatMap(List::stream).toList();
    }

    private static List<AppendResult> answers(List<List<IncomingEvent>> requests, EventPosition[] positions) {
        List<AppendResult> results = new ArrayList<>(requests.size());
        int next = 0;
        for (List<IncomingEvent> request : requests) {
            results.add(new AppendResult.Appended(List.of(positions).subList(next, next + request.size())));
            next += request.size();
        }
        return results;
    }

    private List<AppendResult> writePlanned(Connection connection, List<List<IncomingEvent>> requests, Instant storedAt)
            throws SQLException {
        Map<UUID, Planned> known = lookUpStored(connection, requests);
        List<IncomingEvent> fresh = new ArrayList<>();
        List<Plan> plans = new ArrayList<>(requests.size());
        for (List<IncomingEvent> request : requests) {
            plans.add(plan(request, known, fresh));
        }
        EventPosition[] positions;
        try {
            positions = fresh.isEmpty() ? new EventPosition[0] : insert(connection, fresh, storedAt);
        } catch (SQLException e) {
            if (KEY_TAKEN.equals(e.getSQLState())) {
                throw new ConcurrentKeyException();
            }
            throw e;
        }
        List<AppendResult> results = new ArrayList<>(requests.size());
        for (Plan plan : plans) {
            if (plan.conflict() != null) {
                results.add(plan.conflict());
                continue;
            }
            results.add(new AppendResult.Appended(plan.events().stream()
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
    private static Plan plan(List<IncomingEvent> request, Map<UUID, Planned> known, List<IncomingEvent> fresh) {
        Map<UUID, Planned> added = new LinkedHashMap<>();
        List<IncomingEvent> newEvents = new ArrayList<>();
        List<Planned> planned = new ArrayList<>(request.size());
        for (IncomingEvent event : request) {
            UUID key = digest(event);
            Planned existing = added.getOrDefault(key, known.get(key));
            if (existing != null) {
                if (!Arrays.equals(existing.hash(), event.contentHash())) {
                    return new Plan(List.of(), new AppendResult.Conflicted(event.key()));
                }
                planned.add(existing);
                continue;
            }
            Planned next = new Planned(event.contentHash(), null, fresh.size() + newEvents.size());
            added.put(key, next);
            newEvents.add(event);
            planned.add(next);
        }
        known.putAll(added);
        fresh.addAll(newEvents);
        return new Plan(planned, null);
    }

    private static Map<UUID, Planned> lookUpStored(Connection connection, List<List<IncomingEvent>> requests)
            throws SQLException {
        List<UUID> digests = new ArrayList<>();
        for (List<IncomingEvent> request : requests) {
            for (IncomingEvent event : request) {
                digests.add(digest(event));
            }
        }
        Map<UUID, Planned> stored = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT digest, content_hash, tx, seq FROM event_key WHERE digest = ANY (?)")) {
            select.setArray(1, connection.createArrayOf("uuid", digests.toArray()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    stored.put(rows.getObject(1, UUID.class),
                            new Planned(rows.getBytes(2), new EventPosition(rows.getLong(3), rows.getLong(4)), -1));
                }
            }
        }
        return stored;
    }

    /**
     * Inserts keys and events in one statement, numbering the events in the order given, and
     * returns their positions. When some key was stored already (or is repeated) the statement
     * fails with SQLSTATE {@value #KEY_TAKEN} and keeps nothing.
     */
    private static EventPosition[] insert(Connection connection, List<IncomingEvent> events, Instant storedAt)
            throws SQLException {
        int n = events.size();
        UUID[] digests = new UUID[n];
        String[] sources = new String[n];
        String[] ids = new String[n];
        byte[][] hashes = new byte[n][];
        String[] types = new String[n];
        String[] resources = new String[n];
        String[] subjects = new String[n];
        String[] alternativeSubjects = new String[n];
        String[] resourceInstances = new String[n];
        String[] instanceIds = new String[n];
        Timestamp[] times = new Timestamp[n];
        String[] bodies = new String[n];
        Timestamp stored = Timestamp.from(storedAt);
        for (int i = 0; i < n; i++) {
            IncomingEvent event = events.get(i);
            digests[i] = digest(event);
            sources[i] = event.key().source();
            ids[i] = event.key().id();
            hashes[i] = event.contentHash();
            types[i] = event.type();
            resources[i] = event.resource();
            subjects[i] = event.subject();
            alternativeSubjects[i] = event.alternativeSubject();
            resourceInstances[i] = event.resourceInstance();
            instanceIds[i] = event.instanceId();
            times[i] = event.time() != null ? Timestamp.from(event.time()) : stored;
            bodies[i] = event.json();
        }
        try (PreparedStatement statement = connection.prepareStatement(INSERT)) {
            int p = 1;
            statement.setArray(p++, connection.createArrayOf("uuid", digests));
            statement.setArray(p++, connection.createArrayOf("text", sources));
            statement.setArray(p++, connection.createArrayOf("text", ids));
            statement.setArray(p++, connection.createArrayOf("bytea", hashes));
            statement.setArray(p++, connection.createArrayOf("text", types));
            statement.setArray(p++, connection.createArrayOf("text", resources));
            statement.setArray(p++, connection.createArrayOf("text", subjects));
            statement.setArray(p++, connection.createArrayOf("text", alternativeSubjects));
            statement.setArray(p++, connection.createArrayOf("text", resourceInstances));
            statement.setArray(p++, connection.createArrayOf("text", instanceIds));
            statement.setArray(p++, connection.createArrayOf("timestamptz", times));
            statement.setArray(p++, connection.createArrayOf("text", bodies));
            statement.setTimestamp(p, stored);
            EventPosition[] positions = new EventPosition[n];
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    positions[rows.getInt(1) - 1] = new EventPosition(rows.getLong(2), rows.getLong(3));
                }
            }
            return positions;
        }
    }

    /**
     * One round trip for a whole group: number the rows, claim their keys (in key order, so two
     * groups never deadlock), store the events, and report each row's position. A key that was
     * stored already (or repeats within the group) fails the whole statement with a unique
     * violation of {@code event_key}'s primary key, and nothing is kept. A plain insert costs
     * PostgreSQL a quarter less than claiming with {@code ON CONFLICT DO NOTHING} and joining the
     * claimed rows back (a speculative insertion, its confirmation and a join per row): the
     * common case, new keys only, pays for nothing else (docs/adr/0003).
     */
    private static final String INSERT = """
            WITH input AS MATERIALIZED (
                SELECT u.*, nextval('event_seq') AS seq
                FROM unnest(?::uuid[], ?::text[], ?::text[], ?::bytea[], ?::text[], ?::text[], ?::text[], ?::text[],
                            ?::text[], ?::text[], ?::timestamptz[], ?::text[]) WITH ORDINALITY
                     AS u(digest, source, id, hash, type, resource, subject, alternative_subject, resource_instance,
                          instance_id, time, body, ord)
            ), stamp AS MATERIALIZED (
                SELECT ?::timestamptz AS stored_at, pg_current_xact_id()::text::bigint AS tx
            ), claimed AS (
                INSERT INTO event_key (digest, content_hash, tx, seq, stored_at)
                SELECT i.digest, i.hash, s.tx, i.seq, s.stored_at
                FROM input i CROSS JOIN stamp s
                ORDER BY i.digest
            ), stored AS (
                INSERT INTO event (stored_at, tx, seq, source, id, type, resource, subject, alternative_subject,
                                   resource_instance, instance_id, time, body)
                SELECT s.stored_at, s.tx, i.seq, i.source, i.id, i.type, i.resource, i.subject, i.alternative_subject,
                       i.resource_instance, i.instance_id, i.time, i.body
                FROM input i CROSS JOIN stamp s
            )
            SELECT i.ord, s.tx, i.seq
            FROM input i CROSS JOIN stamp s
            ORDER BY i.ord
            """;
}
