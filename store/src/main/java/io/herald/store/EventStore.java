package io.herald.store;

import java.util.List;

/**
 * The event log. Every implementation (PostgreSQL, Cosmos DB) keeps the contract spelled out by
 * the {@code EventStoreContract} tests:
 *
 * <ul>
 *   <li>{@link #append} returns only once the events are durable; a request's events are stored
 *       all or none; an event whose {@code (source, id)} is stored already with the same content
 *       is not stored again and answers with its first position; with other content the whole
 *       request is {@link AppendResult.Conflicted}.</li>
 *   <li>{@link #read} and {@link #follow} return events in log order, after the given position;
 *       a reader that keeps passing {@link FeedPage#next()} back sees every event exactly once,
 *       whatever the concurrency of writers, and sees it as soon as no event ordered before it
 *       can still appear.</li>
 * </ul>
 */
public interface EventStore extends AutoCloseable {

    /** Appends one request's events. Blocks until they are durable or the request failed. */
    AppendResult append(List<IncomingEvent> events);

    /** A page of the events matching {@code query}. */
    FeedPage read(FeedQuery query);

    /**
     * The whole log after {@code after}, at most {@code limit} events: what a change-feed consumer follows.
     * It matches on the events' attributes, so their JSON may be left out (see {@link FeedQuery#withoutBodies()}).
     */
    default FeedPage follow(EventPosition after, int limit) {
        return read(FeedQuery.after(after, limit).withoutBodies());
    }

    /** The events referred to that are still retained, in any order; an expired event is simply absent. */
    List<StoredEvent> find(java.util.Collection<EventReference> references);

    /**
     * Where the first retained event with this {@code id} stands in the log (the first of that
     * {@code resource}, when one is named): what a reader that kept the id of the last event it read
     * resumes after. Empty when no retained event has that id.
     */
    java.util.Optional<EventPosition> positionOf(String eventId, String resource);

    /** One range of the log after {@code after}: what one matcher lease follows (JSON left out, as above). */
    default FeedPage follow(EventPosition after, int limit, LogRange range) {
        return read(FeedQuery.after(after, limit).withLogRange(range).withoutBodies());
    }

    /** Stops taking appends, finishes those already waiting, and releases what the store holds. */
    @Override
    default void close() {
    }
}
