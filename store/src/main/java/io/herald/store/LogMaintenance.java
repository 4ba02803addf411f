package io.herald.store;

/**
 * The event log's upkeep: partitions created ahead of time, expired months dropped (retention),
 * expired idempotency keys forgotten. Safe to run on several instances at once (one does the
 * work); a scheduler runs it every {@code herald.store.maintenance-interval}, and the store runs it
 * once at start, before Herald serves.
 */
public interface LogMaintenance {

    /** One round of upkeep; says in the log what it changed. */
    void run();
}
