/**
 * The event log on Azure Cosmos DB ({@code herald.store.type=cosmos}): events partitioned by
 * subject, idempotency keys, the commit log that orders them, and the change feed processor that
 * pushes them to the matcher. {@link io.herald.store.cosmos.CosmosEventStore} is the entry point;
 * docs/adr/0009-cosmos-store.md explains the design.
 */
package io.herald.store.cosmos;
