package io.herald.store.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import java.util.function.Consumer;

import javax.sql.DataSource;

import io.herald.store.AppendResult;
import io.herald.store.EventPosition;
import io.herald.store.EventReference;
import io.herald.store.EventStore;
import io.herald.store.EventsAppended;
import io.herald.store.FeedPage;
import io.herald.store.FeedQuery;
import io.herald.store.IncomingEvent;
import io.herald.store.StoreProperties;
import io.herald.store.StoreUnavailableException;
import io.herald.store.StoredEvent;

/** The event log on PostgreSQL: group-committed appends, feeds read below the transaction horizon. */
public final class PostgresEventStore implements EventStore, AutoCloseable {

    private final DataSource dataSource;
    private final GroupCommitter committer;
    private final FeedReader reader = new FeedReader();
    private final StoreProperties.GroupCommit settings;

    private final Consumer<EventsAppended> appended;

    public PostgresEventStore(DataSource dataSource, Clock clock, StoreProperties properties) {
        this(dataSource, clock, properties, event -> { });
    }

    /** @param appended told after each commit that stored new events (called on a writer thread: keep it quick) */
    public PostgresEventStore(DataSource dataSource, Clock clock, StoreProperties properties, Consumer<EventsAppended> appended) {
        this.dataSource = dataSource;
        this.settings = properties.groupCommit();
        this.committer = new GroupCommitter(dataSource, new EventWriter(), clock, settings);
        this.appended = appended;
    }

    @Override
    public AppendResult append(List<IncomingEvent> events) {
        if (events.isEmpty()) {
            return new AppendResult.Appended(List.of());
        }
        AppendResult result = StoreUnavailableException.awaitCommit(committer.submit(events), settings.timeout());
        if (result instanceof AppendResult.Appended) {
            appended.accept(EventsAppended.of(events));
        }
        return result;
    }

    @Override
    public FeedPage read(FeedQuery query) {
        try (Connection connection = dataSource.getConnection()) {
            return reader.read(connection, query);
        } catch (SQLException e) {
            throw new StoreUnavailableException("the event log could not be read", e);
        }
    }

    @Override
    public List<StoredEvent> find(Collection<EventReference> references) {
        try (Connection connection = dataSource.getConnection()) {
            return reader.find(connection, references);
        } catch (SQLException e) {
            throw new StoreUnavailableException("the event log could not be read", e);
        }
    }

    @Override
    public Optional<EventPosition> positionOf(String eventId, String resource) {
        try (Connection connection = dataSource.getConnection()) {
            return reader.positionOf(connection, eventId, resource);
        } catch (SQLException e) {
            throw new StoreUnavailableException("the event log could not be read", e);
        }
    }

    @Override
    public void close() {
        committer.close();
    }
}
