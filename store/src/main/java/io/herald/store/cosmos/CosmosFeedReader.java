package io.herald.store.cosmos;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import com.azure.cosmos.CosmosAsyncContainer;
import com.azure.cosmos.models.CosmosQueryRequestOptions;
import com.azure.cosmos.models.FeedResponse;
import com.azure.cosmos.models.SqlParameter;
import com.azure.cosmos.models.SqlQuerySpec;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.herald.store.EventPosition;
import io.herald.store.EventReference;
import io.herald.store.FeedPage;
import io.herald.store.FeedPattern;
import io.herald.store.FeedQuery;
import io.herald.store.StoredEvent;

/**
 * Feeds on Cosmos DB: one cross-partition query in (tx, seq) order, bounded by the commit horizon
 * and leaving out the aborted commits in its range ({@link CommitLog#settledFrom}),
 * with every filter a feed names in the query (each served by a composite index that ends in
 * {@code tx, seq}; type and source patterns are residual filters on those scans). No OFFSET,
 * DISTINCT or GROUP BY: the cursor is the only paging.
 */
final class CosmosFeedReader {

    private final CosmosAsyncContainer events;

    CosmosFeedReader(CosmosAsyncContainer events) {
        this.events = events;
    }

    FeedPage read(FeedQuery query, CommitLog.Settled horizon) {
        EventPosition after = query.after();
        List<SqlParameter> parameters = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT TOP ").append(query.limit())
                .append(" * FROM c WHERE (c.tx > @tx OR (c.tx = @tx AND c.seq > @seq)) AND c.tx <= @through");
        parameters.add(new SqlParameter("@tx", after.tx()));
        parameters.add(new SqlParameter("@seq", after.seq()));
        parameters.add(new SqlParameter("@through", horizon.through()));
        List<Long> aborted = List.copyOf(horizon.aborted());
        if (!aborted.isEmpty()) {
            sql.append(" AND NOT ARRAY_CONTAINS(@aborted, c.tx)");
            parameters.add(new SqlParameter("@aborted", aborted));
        }
        filter(sql, parameters, "c.resource = @resource", "@resource", query.resource());
        filter(sql, parameters, "c.eventSubject = @subject", "@subject", query.subject());
        if (query.alternativeSubjects().size() == 1) {
            filter(sql, parameters, "c.alternativeSubject = @alternativeSubject", "@alternativeSubject", query.alternativeSubjects().get(0));
        } else if (!query.alternativeSubjects().isEmpty()) {
            sql.append(" AND ARRAY_CONTAINS(@alternativeSubjects, c.alternativeSubject)");
            parameters.add(new SqlParameter("@alternativeSubjects", query.alternativeSubjects()));
        }
        filter(sql, parameters, "c.instanceId = @instanceId", "@instanceId", query.instanceId());
        filter(sql, parameters, "c.time >= @from", "@from", query.from() == null ? null : EventDocuments.micros(query.from()));
        filter(sql, parameters, "c.time < @to", "@to", query.to() == null ? null : EventDocuments.micros(query.to()));
        patterns(sql, parameters, "c.type", "@type", query.types(), false);
        patterns(sql, parameters, "c.source", "@source", query.sources(), true);
        if (query.range() != null) {
            sql.append(" AND c.logRange % @ranges = @range");
            parameters.add(new SqlParameter("@ranges", query.range().count()));
            parameters.add(new SqlParameter("@range", query.range().index()));
        }
        sql.append(" ORDER BY c.tx, c.seq");
        List<StoredEvent> found = query(new SqlQuerySpec(sql.toString(), parameters), query.limit());
        return new FeedPage(found, next(query, found, horizon));
    }

    /**
     * A full page ends at its last event. A shorter one held every matching event up to the
     * horizon, where nothing can still appear, so its cursor moves past the horizon's last commit:
     * {@code (through + 1, 0)} lies before every event of the next commit (whose numbers start at 1).
     */
    private static EventPosition next(FeedQuery query, List<StoredEvent> found, CommitLog.Settled horizon) {
        EventPosition next = found.isEmpty() ? query.after() : found.get(found.size() - 1).position();
        if (found.size() < query.limit() && horizon.through() > 0) {
            EventPosition head = new EventPosition(horizon.through() + 1, 0);
            if (head.isAfter(next)) {
                return head;
            }
        }
        return next;
    }

    /** The first event with this id (of this resource, if named), in log order. */
    Optional<EventPosition> positionOf(String eventId, String resource) {
        List<SqlParameter> parameters = new ArrayList<>(List.of(new SqlParameter("@eventId", eventId)));
        StringBuilder sql = new StringBuilder("SELECT TOP 1 * FROM c WHERE c.eventId = @eventId");
        filter(sql, parameters, "c.resource = @resource", "@resource", resource);
        sql.append(" ORDER BY c.tx, c.seq");
        return query(new SqlQuerySpec(sql.toString(), parameters), 1).stream().findFirst().map(StoredEvent::position);
    }

    /** Any of the {@link FeedPattern}s, as case-insensitive regular expressions (Cosmos DB's LIKE is case-sensitive). */
    private static void patterns(StringBuilder sql, List<SqlParameter> parameters, String field, String name,
            List<String> patterns, boolean prefix) {
        if (patterns.isEmpty()) {
            return;
        }
        sql.append(" AND (");
        for (int i = 0; i < patterns.size(); i++) {
            sql.append(i == 0 ? "" : " OR ").append("RegexMatch(").append(field).append(", ").append(name).append(i).append(", 'i')");
            parameters.add(new SqlParameter(name + i, FeedPattern.toRegex(patterns.get(i), prefix)));
        }
        sql.append(')');
    }

    List<StoredEvent> find(Collection<EventReference> references) {
        if (references.isEmpty()) {
            return List.of();
        }
        List<String> ids = references.stream().map(r -> EventDocuments.id(r.position())).toList();
        return query(new SqlQuerySpec("SELECT * FROM c WHERE ARRAY_CONTAINS(@ids, c.id)",
                List.of(new SqlParameter("@ids", ids))), ids.size());
    }

    private List<StoredEvent> query(SqlQuerySpec spec, int limit) {
        CosmosQueryRequestOptions options = new CosmosQueryRequestOptions();
        List<StoredEvent> found = new ArrayList<>();
        try {
            for (FeedResponse<ObjectNode> page : events.queryItems(spec, options, ObjectNode.class)
                    .byPage(Math.min(Math.max(limit, 1), 1000)).toIterable()) {
                page.getResults().forEach(doc -> found.add(EventDocuments.stored(doc)));
                if (found.size() >= limit) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            throw CosmosFailures.unavailable("the event log could not be read", e);
        }
        return found.size() > limit ? found.subList(0, limit) : found;
    }

    private static void filter(StringBuilder sql, List<SqlParameter> parameters, String condition, String name, Object value) {
        if (value != null) {
            sql.append(" AND ").append(condition);
            parameters.add(new SqlParameter(name, value));
        }
    }
}
