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
    private final CosmosGroupCommitter committer;

    CosmosEventStore(CosmosAsyncClient client, CosmosContainers containers, Clock clock, StoreProperties.Cosmos settings,
            StoreProperties.GroupCommit groupCommit, Consumer<EventsAppended> appended) {
        this.client = client;
        this.events = containers.events();
        this.keys = containers.keys();
        this.leases = containers.leases();
        this.commits = new CommitLog(containers, clock, settings.commitTimeout());
        this.reader = new CosmosFeedReader(events);
        this.clock = clock;
        this.settings = settings;
        this.appended = appended;
        this.committer = new CosmosGroupCommitter(groupCommit, this::appendGroup);
    }

    /**
     * Connects, creates the database and containers when missing (events expiring after
     * {@code herald.store.retention}), and returns a ready store. Close it when done.
     */
    public static CosmosEventStore open(StoreProperties properties, Clock clock, Consumer<EventsAppended> appended) {
        StoreProperties.Cosmos settings = properties.cosmos();
        settings.requireAccount();
        CosmosAsyncClient client = CosmosContainers.client(settings);
        try {
            return new CosmosEventStore(client,
                    CosmosContainers.create(client, settings, CosmosContainers.retentionSeconds(properties.retention())),
                    clock, settings, properties.groupCommit(), appended);
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
        AppendResult result = committer.submit(request);
        if (result instanceof AppendResult.Appended) {
            appended.accept(EventsAppended.of(request));
        }
        return result;
    }

    /** Writes a group of requests under one commit; one result per request, in order. */
    List<AppendResult> appendGroup(List<List<IncomingEvent>> requests) {
        long deadline = clock.millis() + settings.commitTimeout().toMillis() * 2;
        while (true) {
            try {
                return tryAppendGroup(requests);
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

    /** Where one event of a request ends up: a stored position, or the n-th new event of the group. */
    private record Planned(String hash, EventPosition stored, int newIndex) {
    }

    /**
     * Plans every request against the stored keys and the requests before it in the group (a key
     * repeated with other content fails only its own request), then writes the group's new events
     * under one commit.
     */
    private List<AppendResult> tryAppendGroup(List<List<IncomingEvent>> requests) {
        Map<EventKey, IncomingEvent> distinct = new LinkedHashMap<>();
        requests.forEach(request -> request.forEach(event -> distinct.putIfAbsent(EventDocuments.scopedKey(event), event)));
        Map<EventKey, Planned> known = new LinkedHashMap<>();
        Map<EventKey, String> staleKeyEtags = new LinkedHashMap<>();
        lookUpStored(distinct.keySet(), known, staleKeyEtags);

        List<IncomingEvent> fresh = new ArrayList<>();
        List<Object> plans = new ArrayList<>(requests.size());
        for (List<IncomingEvent> request : requests) {
            Map<EventKey, Planned> added = new LinkedHashMap<>();
            List<IncomingEvent> newEvents = new ArrayList<>();
            List<Planned> planned = new ArrayList<>(request.size());
            AppendResult.Conflicted conflict = null;
            for (IncomingEvent event : request) {
                String hash = EventDocuments.hash(event);
                EventKey scoped = EventDocuments.scopedKey(event);
                Planned existing = added.getOrDefault(scoped, known.get(scoped));
                if (existing != null) {
                    if (!existing.hash().equals(hash)) {
                        conflict = new AppendResult.Conflicted(event.key());
                        break;
                    }
                    planned.add(existing);
                    continue;
                }
                Planned next = new Planned(hash, null, fresh.size() + newEvents.size());
                added.put(scoped, next);
                newEvents.add(event);
                planned.add(next);
            }
            if (conflict != null) {
                plans.add(conflict);
                continue;
            }
            known.putAll(added);
            fresh.addAll(newEvents);
            plans.add(planned);
        }
        List<EventPosition> positions = fresh.isEmpty() ? List.of() : write(fresh, staleKeyEtags);
        List<AppendResult> results = new ArrayList<>(requests.size());
        for (Object plan : plans) {
            if (plan instanceof AppendResult.Conflicted conflicted) {
                results.add(conflicted);
            } else {
                @SuppressWarnings("unchecked")
                List<Planned> planned = (List<Planned>) plan;
                results.add(new AppendResult.Appended(planned.stream()
                        .map(p -> p.stored() != null ? p.stored() : positions.get(p.newIndex())).toList()));
            }
        }
        return results;
    }

    /** The keys stored already, with their positions; a key of an aborted commit counts as absent (its ETag kept). */
    private void lookUpStored(Collection<EventKey> wanted, Map<EventKey, Planned> known, Map<EventKey, String> staleKeyEtags) {
        for (EventKey key : wanted) {
            CosmosItemResponse<ObjectNode> stored = readKey(key);
            if (stored == null) {
                continue;
            }
            ObjectNode item = stored.getItem();
            String state = commits.state(item.path("tx").asLong());
            if ("aborted".equals(state) || state == null) {
                staleKeyEtags.put(key, stored.getETag());
                continue;
            }
            if (!"done".equals(state)) {
                throw new KeyRaceException();
            }
            known.put(key, new Planned(item.path("hash").asText(),
                    new EventPosition(item.path("tx").asLong(), item.path("seq").asLong()), -1));
        }
    }

    /** Claims a commit, writes keys and events under it, completes it and moves the horizon. */
    private List<EventPosition> write(List<IncomingEvent> fresh, Map<EventKey, String> staleKeyEtags) {
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

    private List<EventPosition> writeUnder(CommitLog.Claim claim, List<IncomingEvent> fresh,
            Map<EventKey, String> staleKeyEtags) {
        Instant storedAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
        List<EventPosition> positions = new ArrayList<>(fresh.size());
        List<Mono<?>> keyWrites = new ArrayList<>(fresh.size());
        for (int i = 0; i < fresh.size(); i++) {
            IncomingEvent event = fresh.get(i);
            EventPosition position = new EventPosition(claim.number(), i + 1L);
            positions.add(position);
            ObjectNode key = EventDocuments.key(event, position);
            String stale = staleKeyEtags.get(EventDocuments.scopedKey(event));
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
        for (int i = 0; i < fresh.size(); i++) {
            ObjectNode doc = EventDocuments.event(fresh.get(i), positions.get(i), storedAt);
            eventWrites.add(events.createItem(doc, new PartitionKey(doc.get("subject").asText()), new CosmosItemRequestOptions()));
        }
        try {
            Flux.fromIterable(eventWrites).flatMap(write -> write, PARALLEL_WRITES).then().block();
        } catch (RuntimeException e) {
            throw CosmosFailures.unavailable("could not store an event", e);
        }
        if (!commits.complete(claim)) {
            // a reader aborted the commit: its marker must outlive the events just written under it
            commits.markAborted(claim.number());
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
        CommitLog.Horizon horizon = commits.advance();
        commits.checkIssued(query.after(), horizon);
        return reader.read(query, commits.settledFrom(query.after().tx(), horizon));
    }

    @Override
    public java.util.Optional<EventPosition> positionOf(String eventId, String resource) {
        return reader.positionOf(eventId, resource);
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

    /** The commit log, for tests that play a writer dying mid-commit. */
    CommitLog commitLog() {
        return commits;
    }

    /** The events container, for tests that play a writer dying mid-commit. */
    com.azure.cosmos.CosmosAsyncContainer eventsContainer() {
        return events;
    }

    @Override
    public void close() {
        committer.close();
        client.close();
        log.debug("Cosmos DB client closed");
    }
}
