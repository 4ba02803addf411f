/**
 * The event log. Public: the {@link io.herald.store.EventStore} contract, the event records
 * ({@link io.herald.store.IncomingEvent}, {@link io.herald.store.StoredEvent},
 * {@link io.herald.store.EventPosition}), CloudEvent validation and the module's configuration.
 * The PostgreSQL implementation lives in {@code internal}; nothing outside this module touches it.
 */
package io.herald.store;
