package io.herald.store.cosmos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.azure.cosmos.ChangeFeedProcessor;
import com.azure.cosmos.ChangeFeedProcessorBuilder;
import com.azure.cosmos.CosmosAsyncContainer;
import com.azure.cosmos.models.ChangeFeedProcessorOptions;
import com.fasterxml.jackson.databind.JsonNode;

import io.herald.store.SharedChangeFeed;
import io.herald.store.StoreProperties;
import io.herald.store.StoreUnavailableException;
import io.herald.store.StoredEvent;

/**
 * One instance of Cosmos DB's change feed processor on the events container. The processor sees
 * an event as soon as it is written, before its commit is settled; each batch therefore waits
 * until the horizon covers its newest commit, and drops the events of aborted commits. When the
 * handler throws, the processor keeps the lease's continuation and offers the batch again.
 */
final class ChangeFeedConsumer implements SharedChangeFeed.Running {

    private static final Logger log = LoggerFactory.getLogger(ChangeFeedConsumer.class);

    private final ChangeFeedProcessor processor;
    private final String instance;

    private ChangeFeedConsumer(ChangeFeedProcessor processor, String instance) {
        this.processor = processor;
        this.instance = instance;
    }

    static ChangeFeedConsumer start(CosmosAsyncContainer events, CosmosAsyncContainer leases, CommitLog commits,
            StoreProperties.Cosmos settings, String group, String instance, Consumer<List<StoredEvent>> handler) {
        ChangeFeedProcessorOptions options = new ChangeFeedProcessorOptions()
                .setLeasePrefix(group + ".")
                .setStartFromBeginning(true)
                .setFeedPollDelay(settings.feedPollInterval())
                .setMaxItemCount(500)
                .setLeaseRenewInterval(Duration.ofSeconds(2))
                .setLeaseAcquireInterval(Duration.ofSeconds(2))
                .setLeaseExpirationInterval(Duration.ofSeconds(10));
        ChangeFeedProcessor processor = new ChangeFeedProcessorBuilder()
                .hostName(instance)
                .feedContainer(events)
                .leaseContainer(leases)
                .options(options)
                .handleChanges(batch -> handler.accept(committed(batch, commits, settings.commitTimeout())))
                .buildChangeFeedProcessor();
        processor.start().block();
        log.info("Change feed processor {} of group {} started", instance, group);
        return new ChangeFeedConsumer(processor, instance);
    }

    /**
     * The batch's events whose commits are done, once every commit in it is settled. Markers of
     * aborted commits (items without a commit number) pass through the change feed too and are
     * left out.
     */
    static List<StoredEvent> committed(List<JsonNode> batch, CommitLog commits, Duration commitTimeout) {
        List<JsonNode> docs = batch.stream().filter(doc -> doc.has("tx")).toList();
        long newest = 0;
        for (JsonNode doc : docs) {
            newest = Math.max(newest, doc.path("tx").asLong());
        }
        CommitLog.Horizon horizon = commits.horizon();
        long waitUntil = System.nanoTime() + commitTimeout.multipliedBy(2).toNanos();
        while (horizon.through() < newest) {
            horizon = commits.advance();
            if (horizon.through() >= newest) {
                break;
            }
            if (System.nanoTime() > waitUntil) {
                throw new StoreUnavailableException("commit " + (horizon.through() + 1) + " is not settled yet", null);
            }
            LockSupport.parkNanos(2_000_000);
        }
        Set<Long> aborted = commits.abortedAmong(docs.stream().map(doc -> doc.path("tx").asLong()).toList(), horizon);
        List<StoredEvent> events = new ArrayList<>(docs.size());
        for (JsonNode doc : docs) {
            if (!aborted.contains(doc.path("tx").asLong())) {
                events.add(EventDocuments.stored(doc));
            }
        }
        return events;
    }

    @Override
    public void close() {
        processor.stop().block();
        log.info("Change feed processor {} stopped", instance);
    }
}
