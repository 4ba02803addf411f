package io.herald.store;

import java.time.Duration;
import java.time.Period;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the event log ({@code herald.store.*}); docs/configuration.md lists them.
 *
 * @param retention           how long events stay readable; a month's partition is dropped once all of it is older
 * @param partitionsAhead     how many monthly partitions beyond the current one exist at any time
 * @param maintenanceInterval how often partitions are created ahead and expired ones dropped
 * @param groupCommit         how concurrent publish requests are committed together
 * @param type                which store holds the log: {@code postgres} (the default) or {@code cosmos}
 * @param cosmos              the Cosmos DB store, used when {@code type} is {@code cosmos}
 */
@ConfigurationProperties("herald.store")
public record StoreProperties(
        @DefaultValue("P3M") Period retention,
        @DefaultValue("2") int partitionsAhead,
        @DefaultValue("1h") Duration maintenanceInterval,
        @DefaultValue GroupCommit groupCommit,
        @DefaultValue("postgres") Type type,
        @DefaultValue Cosmos cosmos) {

    /** The stores the log can live in. */
    public enum Type {
        POSTGRES, COSMOS
    }

    public StoreProperties {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("herald.store.retention must be positive but was " + retention);
        }
        if (partitionsAhead < 1) {
            throw new IllegalArgumentException("herald.store.partitions-ahead must be at least 1 but was " + partitionsAhead);
        }
        if (maintenanceInterval.isNegative() || maintenanceInterval.isZero()) {
            throw new IllegalArgumentException("herald.store.maintenance-interval must be positive but was " + maintenanceInterval);
        }
    }

    /**
     * @param writers       transactions that may be writing at once (each commits a group of requests)
     * @param parallelFromEvents events that must be waiting before another writer starts a group while one is
     *                      writing; fewer wait for that writer's next group, which keeps groups large (PostgreSQL)
     * @param maxEvents     the most events one transaction takes
     * @param maxBytes      the most event JSON one transaction takes (counted in characters)
     * @param queueCapacity publish requests that may wait for a writer; beyond that publishing answers 503
     * @param timeout       how long a publish request waits for its commit before it fails
     */
    public record GroupCommit(
            @DefaultValue("2") int writers,
            @DefaultValue("100") int parallelFromEvents,
            @DefaultValue("500") int maxEvents,
            @DefaultValue("4MB") DataSize maxBytes,
            @DefaultValue("10000") int queueCapacity,
            @DefaultValue("30s") Duration timeout) {

        public GroupCommit {
            if (writers < 1) {
                throw new IllegalArgumentException("herald.store.group-commit.writers must be at least 1 but was " + writers);
            }
            if (parallelFromEvents < 1) {
                throw new IllegalArgumentException("herald.store.group-commit.parallel-from-events must be at least 1 but was " + parallelFromEvents);
            }
            if (maxEvents < 1) {
                throw new IllegalArgumentException("herald.store.group-commit.max-events must be at least 1 but was " + maxEvents);
            }
            if (maxBytes.toBytes() < 1024) {
                throw new IllegalArgumentException("herald.store.group-commit.max-bytes must be at least 1KB but was " + maxBytes);
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("herald.store.group-commit.timeout must be positive but was " + timeout);
            }
            if (queueCapacity < 1) {
                throw new IllegalArgumentException("herald.store.group-commit.queue-capacity must be at least 1 but was " + queueCapacity);
            }
        }
    }

    /**
     * The Cosmos DB store ({@code herald.store.cosmos.*}); docs/adr/0009-cosmos-store.md explains the containers.
     *
     * @param endpoint          the account's endpoint, e.g. {@code https://my-account.documents.azure.com:443/}
     * @param auth              how Herald signs in: {@code key} (the account key) or {@code managed-identity}
     * @param key               the account key (keep it in a secret); required with {@code auth=key}
     * @param managedIdentityClientId the client id of a user-assigned managed identity; unset: the system-assigned one
     * @param database          the database; created when missing
     * @param eventsContainer   the events, partitioned by {@code /subject}
     * @param keysContainer     one document per {@code (source, id)}: idempotent publishing
     * @param commitsContainer  the commit log that orders the events (see the ADR)
     * @param leasesContainer   the change feed processor's leases
     * @param throughput        RU/s of each container created here; 0 leaves containers without their own throughput
     * @param consistencyLevel  the client's consistency level; the store needs at least {@code SESSION}
     * @param gatewayMode       talk HTTPS to the gateway instead of direct TCP (local servers need it)
     * @param commitTimeout     how long a commit may stay open before readers abort it (a writer that died)
     * @param feedPollInterval  how often the change feed processor looks for new events
     */
    public record Cosmos(
            String endpoint,
            @DefaultValue("key") Auth auth,
            String key,
            String managedIdentityClientId,
            @DefaultValue("herald") String database,
            @DefaultValue("events") String eventsContainer,
            @DefaultValue("event-keys") String keysContainer,
            @DefaultValue("commits") String commitsContainer,
            @DefaultValue("leases") String leasesContainer,
            @DefaultValue("0") int throughput,
            @DefaultValue("SESSION") String consistencyLevel,
            @DefaultValue("false") boolean gatewayMode,
            @DefaultValue("30s") Duration commitTimeout,
            @DefaultValue("200ms") Duration feedPollInterval) {

        /** How Herald signs in to the account. */
        public enum Auth {
            KEY, MANAGED_IDENTITY
        }

        public Cosmos {
            if (throughput != 0 && throughput < 400) {
                throw new IllegalArgumentException("herald.store.cosmos.throughput must be 0 or at least 400 but was " + throughput);
            }
            if (commitTimeout.isNegative() || commitTimeout.isZero()) {
                throw new IllegalArgumentException("herald.store.cosmos.commit-timeout must be positive but was " + commitTimeout);
            }
        }

        /** Fails naming what is missing when the store is {@code cosmos} but the account is not configured. */
        public void requireAccount() {
            if (endpoint == null || endpoint.isBlank()) {
                throw new IllegalArgumentException("herald.store.type=cosmos needs herald.store.cosmos.endpoint");
            }
            if (auth == Auth.KEY && (key == null || key.isBlank())) {
                throw new IllegalArgumentException("herald.store.type=cosmos with herald.store.cosmos.auth=key needs "
                        + "herald.store.cosmos.key (or use auth=managed-identity)");
            }
        }

        /** These settings with another endpoint and key (tests, tools). */
        public Cosmos withAccount(String otherEndpoint, String otherKey, String otherDatabase) {
            return new Cosmos(otherEndpoint, Auth.KEY, otherKey, null, otherDatabase, eventsContainer, keysContainer, commitsContainer,
                    leasesContainer, throughput, consistencyLevel, gatewayMode, commitTimeout, feedPollInterval);
        }

        public Cosmos withGatewayMode(boolean value) {
            return new Cosmos(endpoint, auth, key, managedIdentityClientId, database, eventsContainer, keysContainer, commitsContainer,
                    leasesContainer, throughput, consistencyLevel, value, commitTimeout, feedPollInterval);
        }
    }

    /** The defaults, as documented: for code that builds a store outside Spring (tests, benchmarks). */
    public static StoreProperties defaults() {
        return new Binder().bindOrCreate("herald.store", StoreProperties.class);
    }
}
