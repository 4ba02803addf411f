package io.herald.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a feed asks of the log: events after a position, in log order, matching every filter that
 * is set (a {@code null} filter matches all). {@code types} matches any of the listed types;
 * {@code sourcePrefix} matches sources starting with it; {@code from} is inclusive, {@code to}
 * exclusive, both on the event's time; {@code range} keeps one range of the log.
 */
public record FeedQuery(
        EventPosition after,
        int limit,
        String resource,
        String subject,
        String alternativeSubject,
        List<String> types,
        String sourcePrefix,
        String instanceId,
        Instant from,
        Instant to,
        LogRange range) {

    public FeedQuery {
        Objects.requireNonNull(after, "after");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1 but was " + limit);
        }
        types = types == null ? List.of() : List.copyOf(types);
    }

    /** All events after {@code after}, at most {@code limit} of them. */
    public static FeedQuery after(EventPosition after, int limit) {
        return new FeedQuery(after, limit, null, null, null, List.of(), null, null, null, null, null);
    }

    public FeedQuery withAfter(EventPosition position) {
        return new FeedQuery(position, limit, resource, subject, alternativeSubject, types, sourcePrefix, instanceId, from, to, range);
    }

    public FeedQuery withResource(String value) {
        return new FeedQuery(after, limit, value, subject, alternativeSubject, types, sourcePrefix, instanceId, from, to, range);
    }

    public FeedQuery withSubject(String value) {
        return new FeedQuery(after, limit, resource, value, alternativeSubject, types, sourcePrefix, instanceId, from, to, range);
    }

    public FeedQuery withAlternativeSubject(String value) {
        return new FeedQuery(after, limit, resource, subject, value, types, sourcePrefix, instanceId, from, to, range);
    }

    public FeedQuery withTypes(List<String> value) {
        return new FeedQuery(after, limit, resource, subject, alternativeSubject, value, sourcePrefix, instanceId, from, to, range);
    }

    public FeedQuery withSourcePrefix(String value) {
        return new FeedQuery(after, limit, resource, subject, alternativeSubject, types, value, instanceId, from, to, range);
    }

    public FeedQuery withInstanceId(String value) {
        return new FeedQuery(after, limit, resource, subject, alternativeSubject, types, sourcePrefix, value, from, to, range);
    }

    /** Only events whose resource falls in this range of the log. */
    public FeedQuery withLogRange(LogRange value) {
        return new FeedQuery(after, limit, resource, subject, alternativeSubject, types, sourcePrefix, instanceId, from, to, value);
    }

    public FeedQuery withTimeRange(Instant fromInclusive, Instant toExclusive) {
        return new FeedQuery(after, limit, resource, subject, alternativeSubject, types, sourcePrefix, instanceId, fromInclusive, toExclusive, range);
    }
}
