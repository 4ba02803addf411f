package io.herald.store.cosmos;

import java.util.List;

import com.azure.cosmos.ConsistencyLevel;
import com.azure.cosmos.CosmosAsyncClient;
import com.azure.cosmos.CosmosAsyncContainer;
import com.azure.cosmos.CosmosAsyncDatabase;
import com.azure.cosmos.CosmosClientBuilder;
import com.azure.cosmos.models.CompositePath;
import com.azure.cosmos.models.CompositePathSortOrder;
import com.azure.cosmos.models.CosmosContainerProperties;
import com.azure.cosmos.models.ExcludedPath;
import com.azure.cosmos.models.IncludedPath;
import com.azure.cosmos.models.IndexingPolicy;
import com.azure.cosmos.models.ThroughputProperties;

import io.herald.store.StoreProperties;

/**
 * The store's containers, created with their partition keys and indexing policies when missing:
 * <ul>
 *   <li>events, partitioned by {@code /subject}; the event JSON ({@code /body}) is not indexed; composite
 *       indexes {@code (tx, seq)} and {@code (filter, tx, seq)} for every attribute a feed filters on
 *       serve the feeds' {@code ORDER BY c.tx, c.seq}; the partition {@link CommitLog#ABORTED_PARTITION}
 *       holds the markers of aborted commits instead of events;</li>
 *   <li>event keys and commits, partitioned by {@code /id} (point reads and conditional writes only;
 *       nothing is indexed but the id);</li>
 *   <li>leases, partitioned by {@code /id}, as the change feed processor requires.</li>
 * </ul>
 */
record CosmosContainers(CosmosAsyncContainer events, CosmosAsyncContainer keys, CosmosAsyncContainer commits,
        CosmosAsyncContainer leases, int retentionSeconds) {

    static final List<String> FILTERED = List.of("/resource", "/eventSubject", "/alternativeSubject", "/instanceId");

    static CosmosAsyncClient client(StoreProperties.Cosmos settings) {
        CosmosClientBuilder builder = new CosmosClientBuilder().endpoint(settings.endpoint());
        if (settings.auth() == StoreProperties.Cosmos.Auth.MANAGED_IDENTITY) {
            var identity = new com.azure.identity.ManagedIdentityCredentialBuilder();
            if (settings.managedIdentityClientId() != null && !settings.managedIdentityClientId().isBlank()) {
                identity.clientId(settings.managedIdentityClientId());
            }
            builder = builder.credential(identity.build());
        } else {
            builder = builder.key(settings.key());
        }
        builder = builder
                .consistencyLevel(ConsistencyLevel.valueOf(settings.consistencyLevel().toUpperCase(java.util.Locale.ROOT)))
                .contentResponseOnWriteEnabled(true);
        builder = settings.gatewayMode() ? builder.gatewayMode() : builder.directMode();
        return builder.buildAsyncClient();
    }

    /**
     * Creates what is missing. Events, their keys and commits expire {@code retentionSeconds} after
     * they were written (Cosmos DB's time to live, deleted in the background with spare RUs), so
     * idempotency lasts as long as the event, as in PostgreSQL; the horizon item never expires.
     */
    static CosmosContainers create(CosmosAsyncClient client, StoreProperties.Cosmos settings, int retentionSeconds) {
        client.createDatabaseIfNotExists(settings.database()).block();
        CosmosAsyncDatabase database = client.getDatabase(settings.database());
        CosmosContainerProperties events = new CosmosContainerProperties(settings.eventsContainer(), "/subject");
        events.setIndexingPolicy(eventsIndexing());
        events.setDefaultTimeToLiveInSeconds(retentionSeconds);
        CosmosContainerProperties keys = idOnly(settings.keysContainer());
        keys.setDefaultTimeToLiveInSeconds(retentionSeconds);
        CosmosContainerProperties commits = idOnly(settings.commitsContainer());
        commits.setDefaultTimeToLiveInSeconds(retentionSeconds);
        return new CosmosContainers(
                create(database, events, settings),
                create(database, keys, settings),
                create(database, commits, settings),
                create(database, new CosmosContainerProperties(settings.leasesContainer(), "/id"), settings),
                retentionSeconds);
    }

    /**
     * The retention as a time to live: a month counts 31 days, so an event is kept at least as
     * long as the period says (PostgreSQL keeps it up to a month longer, until its month is dropped).
     */
    static int retentionSeconds(java.time.Period retention) {
        long days = retention.toTotalMonths() * 31 + retention.getDays();
        return (int) Math.min(Integer.MAX_VALUE, java.time.Duration.ofDays(days).toSeconds());
    }

    private static CosmosAsyncContainer create(CosmosAsyncDatabase database, CosmosContainerProperties properties,
            StoreProperties.Cosmos settings) {
        if (settings.throughput() > 0) {
            database.createContainerIfNotExists(properties, ThroughputProperties.createManualThroughput(settings.throughput())).block();
        } else {
            database.createContainerIfNotExists(properties).block();
        }
        return database.getContainer(properties.getId());
    }

    private static CosmosContainerProperties idOnly(String name) {
        CosmosContainerProperties properties = new CosmosContainerProperties(name, "/id");
        IndexingPolicy policy = new IndexingPolicy();
        policy.setIncludedPaths(List.of());
        policy.setExcludedPaths(List.of(new ExcludedPath("/*")));
        properties.setIndexingPolicy(policy);
        return properties;
    }

    static IndexingPolicy eventsIndexing() {
        IndexingPolicy policy = new IndexingPolicy();
        policy.setIncludedPaths(List.of(new IncludedPath("/*")));
        policy.setExcludedPaths(List.of(new ExcludedPath("/body/?"), new ExcludedPath("/\"_etag\"/?")));
        List<List<CompositePath>> composites = new java.util.ArrayList<>();
        composites.add(List.of(ascending("/tx"), ascending("/seq")));
        for (String filtered : FILTERED) {
            composites.add(List.of(ascending(filtered), ascending("/tx"), ascending("/seq")));
        }
        policy.setCompositeIndexes(composites);
        return policy;
    }

    private static CompositePath ascending(String path) {
        CompositePath composite = new CompositePath();
        composite.setPath(path);
        composite.setOrder(CompositePathSortOrder.ASCENDING);
        return composite;
    }
}
