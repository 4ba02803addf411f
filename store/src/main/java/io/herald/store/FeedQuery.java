package io.herald.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a feed asks of the log: events after a position, in log order, matching every filter that
 * is set (a {@code null} filter or an empty list matches all). {@code alternativeSubjects} matches
 * any of the listed values exactly; {@code types} and {@code sources} are {@link FeedPattern}s, an
 * event matching any of the listed ones (a type whole, a source from its start); {@code from} is
 * inclusive, {@code to} exclusive, both on the event's time; {@code range} keeps one range of the log.
 * {@code bodies} false asks for the events without their JSON ({@link StoredEvent#json()} null): what a
 * reader that matches on attributes needs, without reading, sorting and sending each event's JSON
 * (a store may return the JSON anyway).
 */
public record FeedQuery(
        EventPosition after,
        int limit,
        String resource,
        String subject,
        List<String> alternativeSubjects,
        List<String> types,
        List<String> sources,
        String instanceId,
        Instant from,
        Instant to,
        LogRange range,
        boolean bodies) {

    public FeedQuery {
        Objects.requireNonNull(after, "after");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1 but was " + limit);
        }
        alternativeSubjects = alternativeSubjects == null ? List.of() : List.copyOf(alternativeSubjects);
        types = types == null ? List.of() : List.copyOf(types);
        sources = sources == null ? List.of() : List.copyOf(sources);
    }

    /** All events after {@code after}, at most {@code limit} of them. */
    public static FeedQuery after(EventPosition after, int limit) {
        return new FeedQuery(after, limit, null, null, List.of(), List.of(), List.of(), null, null, null, null, true);
    }

    public FeedQuery withAfter(EventPosition position) {
        return new FeedQuery(position, limit, resource, subject, alternativeSubjects, types, sources, instanceId, from, to, range, bodies);
    }

    public FeedQuery withResource(String value) {
        return new FeedQuery(after, limit, value, subject, alternativeSubjects, types, sources, instanceId, from, to, range, bodies);
    }

    public FeedQuery withSubject(String value) {
        return new FeedQuery(after, limit, resource, value, alternativeSubjects, types, sources, instanceId, from, to, range, bodies);
    }

    /** Events whose alternative subject is {@code value}; {@code null} for any. */
    public FeedQuery withAlternativeSubject(String value) {
        return withAlternativeSubjects(value == null ? List.of() : List.of(value));
    }

    /** Events whose alternative subject is any of {@code values}; empty for any. */
    public FeedQuery withAlternativeSubjects(List<String> values) {
        return new FeedQuery(after, limit, resource, subject, values, types, sources, instanceId, from, to, range, bodies);
    }

    /** Events whose type matches any of these {@link FeedPattern}s; empty for any. */
    public FeedQuery withTypes(List<String> value) {
        return new FeedQuery(after, limit, resource, subject, alternativeSubjects, value, sources, instanceId, from, to, range, bodies);
    }

    /** Events whose source starts with {@code value} (a {@link FeedPattern}); {@code null} for any. */
    public FeedQuery withSourcePrefix(String value) {
        return withSources(value == null ? List.of() : List.of(value));
    }

    /** Events whose source starts with any of these {@link FeedPattern}s; empty for any. */
    public FeedQuery withSources(List<String> values) {
        return new FeedQuery(after, limit, resource, subject, alternativeSubjects, types, values, instanceId, from, to, range, bodies);
    }

    /** The same query with another page size. */
    public FeedQuery withLimit(int value) {
        return new FeedQuery(after, value, resource, subject, alternativeSubjects, types, sources, instanceId, from, to, range, bodies);
    }

    public FeedQuery withInstanceId(String value) {
        return new FeedQuery(after, limit, resource, subject, alternativeSubjects, types, sources, value, from, to, range, bodies);
    }

    /** Only events whose resource falls in this range of the log. */
    public FeedQuery withLogRange(LogRange value) {
        return new FeedQuery(after, limit, resource, subject, alternativeSubjects, types, sources, instanceId, from, to, value, bodies);
    }

    public FeedQuery withTimeRange(Instant fromInclusive, Instant toExclusive) {
        return new FeedQuery(after, limit, resource, subject, alternativeSubjects, types, sources, instanceId, fromInclusive, toExclusive, range, bodies);
    }

    /** The same query, its events without their JSON: see {@code bodies} above. */
    public FeedQuery withoutBodies() {
        return new FeedQuery(after, limit, resource, subject, alternativeSubjects, types, sources, instanceId, from, to, range, false);
    }
}
