package io.herald.store.cosmos;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.herald.store.CosmosTestServer;
import io.herald.store.EventStore;
import io.herald.store.EventStoreContract;

/** The store contract on Cosmos DB, against the project's local Cosmos DB-compatible server. */
class CosmosEventStoreIT extends EventStoreContract {

    private static CosmosEventStore store;

    @BeforeAll
    static void start() {
        store = CosmosTestServer.store("contract");
    }

    @AfterAll
    static void stop() {
        store.close();
    }

    @Override
    protected EventStore store() {
        return store;
    }
}
