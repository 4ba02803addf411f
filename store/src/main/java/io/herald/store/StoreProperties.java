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
 */
@ConfigurationProperties("herald.store")
public record StoreProperties(
        @DefaultValue("P3M") Period retention,
        @DefaultValue("2") int partitionsAhead,
        @DefaultValue("1h") Duration maintenanceInterval,
        @DefaultValue GroupCommit groupCommit) {

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
     * @param maxEvents     the most events one transaction takes
     * @param maxBytes      the most event JSON one transaction takes (counted in characters)
     * @param queueCapacity publish requests that may wait for a writer; beyond that publishing answers 503
     * @param timeout       how long a publish request waits for its commit before it fails
     */
    public record GroupCommit(
            @DefaultValue("2") int writers,
            @DefaultValue("500") int maxEvents,
            @DefaultValue("4MB") DataSize maxBytes,
            @DefaultValue("10000") int queueCapacity,
            @DefaultValue("30s") Duration timeout) {

        public GroupCommit {
            if (writers < 1) {
                throw new IllegalArgumentException("herald.store.group-commit.writers must be at least 1 but was " + writers);
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

    /** The defaults, as documented: for code that builds a store outside Spring (tests, benchmarks). */
    public static StoreProperties defaults() {
        return new Binder().bindOrCreate("herald.store", StoreProperties.class);
    }
}
