package io.herald.store.cosmos;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.azure.cosmos.CosmosAsyncClient;
import com.azure.cosmos.CosmosAsyncContainer;
import com.azure.cosmos.models.CosmosItemRequestOptions;
import com.azure.cosmos.models.CosmosItemResponse;
import com.azure.cosmos.models.PartitionKey;
import com.fasterxml.jackson.databind.node.ObjectNode;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.herald.store.AppendResult;
import io.herald.store.EventKey;
import io.herald.store.EventPosition;
import io.herald.store.EventReference;
import io.herald.store.EventStore;
import io.herald.store.EventsAppended;
import io.herald.store.FeedPage;
import io.herald.store.FeedQuery;
import io.herald.store.IncomingEvent;
import io.herald.store.SharedChangeFeed;
import io.herald.store.StoreProperties;
import io.herald.store.StoreUnavailableException;
import io.herald.store.StoredEvent;

/**
 * The event log on Azure Cosmos DB. An append checks the idempotency keys, claims the next commit
 * number, writes the keys and events under it and completes the commit (see {@link CommitLog});
 * feeds read up to the commit horizon in (commit, sequence) order; the change feed processor
 * pushes the committed events to the matcher. See docs/adr/0009-cosmos-store.md.
 */
public final class CosmosEventStore implements EventStore, SharedChangeFeed {

    private static final Logger log = LoggerFactory.getLogger(CosmosEventStore.class);
    /** Item writes of one commit in flight at once. */
    private static final int PARALLEL_WRITES = 32;

    private final CosmosAsyncClient client;
    private final CosmosAsyncContainer events;
    private final CosmosAsyncContainer keys;
    private final CosmosAsyncContainer leases;
    private final CommitLog commits;
    private final CosmosFeedReader reader;
    private final Clock clock;
    private final StoreProperties.Cosmos settings;
    private final Consumer<EventsAppended> appended;

    CosmosEventStore(CosmosAsyncClient client, CosmosContainers containers, Clock clock, StoreProperties.Cosmos settings,
            Consumer<EventsAppended> appended) {
        this.client = client;
        this.events = containers.events();
        this.keys = containers.keys();
        this.leases = containers.leases();
        this.commits = new CommitLog(containers.commits(), clock, settings.commitTimeout());
        this.reader = new CosmosFeedReader(events);
        this.clock = clock;
        this.settings = settings;
        this.appended = appended;
    }

    /**
     * Connects, creates the database and containers when missing (events expiring after
     * {@code retention}), and returns a ready store. Close it when done.
     */
    public static CosmosEventStore open(StoreProperties.Cosmos settings, java.time.Period retention, Clock clock,
            Consumer<EventsAppended> appended) {
        settings.requireAccount();
        CosmosAsyncClient client = CosmosContainers.client(settings);
        try {
            return new CosmosEventStore(client, CosmosContainers.create(client, settings, CosmosContainers.retentionSeconds(retention)),
                    clock, settings, appended);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    @Override
    public AppendResult append(List<IncomingEvent> request) {
        if (request.isEmpty()) {
            return new AppendResult.Appended(List.of());
        }
        long deadline = clock.millis() + settings.commitTimeout().toMillis() * 2;
        while (true) {
            try {
                AppendResult result = tryAppend(request);
                if (result instanceof AppendResult.Appended) {
                    appended.accept(new EventsAppended(request.size()));
                }
                return result;
            } catch (KeyRaceException e) {
                if (clock.millis() > deadline) {
                    throw new StoreUnavailableException("an event key stayed in an open commit for too long", e);
                }
                // the commit holding the key may belong to a writer that died: moving the horizon aborts it at its deadline
                commits.advance();
                LockSupport.parkNanos(5_000_000);
            }
        }
    }

    /** Another writer holds one of the keys in a commit that is still open: try again shortly. */
    private static final class KeyRaceException extends RuntimeException {
        KeyRaceException() {
            super("an event key is in an open commit", null, false, false);
        }
    }

    private AppendResult tryAppend(List<IncomingEvent> request) {
        // the request's distinct keys, in order; a key repeated with other content fails the request
        Map<EventKey, IncomingEvent> distinct = new LinkedHashMap<>();
        for (IncomingEvent event : request) {
            IncomingEvent first = distinct.putIfAbsent(event.key(), event);
            if (first != null && !EventDocuments.hash(first).equals(EventDocuments.hash(event))) {
                return new AppendResult.Conflicted(event.key());
            }
        }
        Map<EventKey, EventPosition> positions = new LinkedHashMap<>();
        Map<EventKey, String> staleKeyEtags = new LinkedHashMap<>();
        for (IncomingEvent event : distinct.values()) {
            CosmosItemResponse<ObjectNode> stored = readKey(event.key());
            if (stored == null) {
                continue;
            }
            ObjectNode key = stored.getItem();
            String state = commits.state(key.path("tx").asLong());
            if ("aborted".equals(state) || state == null) {
                staleKeyEtags.put(event.key(), stored.getETag());
                continue;
            }
            if (!"done".equals(state)) {
                throw new KeyRaceException();
            }
            if (!key.path("hash").asText().equals(EventDocuments.hash(event))) {
                return new AppendResult.Conflicted(event.key());
            }
            positions.put(event.key(), new EventPosition(key.path("tx").asLong(), key.path("seq").asLong()));
        }
        List<IncomingEvent> fresh = distinct.values().stream().filter(e -> !positions.containsKey(e.key())).toList();
        if (!fresh.isEmpty()) {
            positions.putAll(write(fresh, staleKeyEtags));
        }
        return new AppendResult.Appended(request.stream().map(e -> positions.get(e.key())).toList());
    }

    /** Claims a commit, writes keys and events under it, completes it and moves the horizon. */
    private Map<EventKey, EventPosition> write(List<IncomingEvent> fresh, Map<EventKey, String> staleKeyEtags) {
        CommitLog.Claim claim = commits.claim();
        try {
            return writeUnder(claim, fresh, staleKeyEtags);
        } catch (StoreUnavailableException e) {
            // give the commit up at once rather than let readers wait for its deadline
            try {
                commits.abandon(claim);
                commits.advance();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private Map<EventKey, EventPosition> writeUnder(CommitLog.Claim claim, List<IncomingEvent> fresh,
            Map<EventKey, String> staleKeyEtags) {
        Instant storedAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Map<EventKey, EventPosition> positions = new LinkedHashMap<>();
        List<Mono<?>> keyWrites = new ArrayList<>(fresh.size());
        for (int i = 0; i < fresh.size(); i++) {
            IncomingEvent event = fresh.get(i);
            EventPosition position = new EventPosition(claim.number(), i + 1L);
            positions.put(event.key(), position);
            ObjectNode key = EventDocuments.key(event, position);
            String stale = staleKeyEtags.get(event.key());
            PartitionKey partition = new PartitionKey(key.get("id").asText());
            keyWrites.add(stale != null
                    ? keys.replaceItem(key, key.get("id").asText(), partition, new CosmosItemRequestOptions().setIfMatchETag(stale))
                    : keys.createItem(key, partition, new CosmosItemRequestOptions()));
        }
        try {
            // the items of one commit are independent: written concurrently, the commit is complete once all are
            Flux.fromIterable(keyWrites).flatMap(write -> write, PARALLEL_WRITES).then().block();
        } catch (RuntimeException e) {
            if (CosmosFailures.is(e, CosmosFailures.CONFLICT) || CosmosFailures.is(e, CosmosFailures.PRECONDITION_FAILED)) {
                // another writer took a key after we looked: give the commit up and start again
                commits.abandon(claim);
                commits.advance();
                throw new KeyRaceException();
            }
            throw CosmosFailures.unavailable("could not store an event key", e);
        }
        List<Mono<?>> eventWrites = new ArrayList<>(fresh.size());
        for (IncomingEvent event : fresh) {
            ObjectNode doc = EventDocuments.event(event, positions.get(event.key()), storedAt);
            eventWrites.add(events.createItem(doc, new PartitionKey(doc.get("subject").asText()), new CosmosItemRequestOptions()));
        }
        try {
            Flux.fromIterable(eventWrites).flatMap(write -> write, PARALLEL_WRITES).then().block();
        } catch (RuntimeException e) {
            throw CosmosFailures.unavailable("could not store an event", e);
        }
        if (!commits.complete(claim)) {
            throw new StoreUnavailableException("commit " + claim.number() + " took longer than "
                    + settings.commitTimeout() + " and was aborted", null);
        }
        commits.advance();
        return positions;
    }

    private CosmosItemResponse<ObjectNode> readKey(EventKey key) {
        String id = EventDocuments.keyId(key);
        try {
            return keys.readItem(id, new PartitionKey(id), ObjectNode.class).block();
        } catch (RuntimeException e) {
            if (CosmosFailures.is(e, CosmosFailures.NOT_FOUND)) {
                return null;
            }
            throw CosmosFailures.unavailable("could not look up an event key", e);
        }
    }

    @Override
    public FeedPage read(FeedQuery query) {
        return reader.read(query, commits.advance());
    }

    @Override
    public List<StoredEvent> find(Collection<EventReference> references) {
        return reader.find(references);
    }

    /**
     * Runs Cosmos DB's change feed processor on the events container, with its leases in the
     * leases container under the prefix {@code group}: instances of one group share the feed's
     * partitions. The handler gets a batch once every commit in it is settled; events of aborted
     * commits are left out. The processor checkpoints a batch only after the handler returned.
     */
    @Override
    public SharedChangeFeed.Running start(String group, String instance, Consumer<List<StoredEvent>> handler) {
        return ChangeFeedConsumer.start(events, leases, commits, settings, group, instance, handler);
    }

    @Override
    public void close() {
        client.close();
        log.debug("Cosmos DB client closed");
    }
}
