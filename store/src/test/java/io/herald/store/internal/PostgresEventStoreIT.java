package io.herald.store.internal;

import java.time.Clock;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import com.zaxxer.hikari.HikariDataSource;

import io.herald.store.EventStore;
import io.herald.store.EventStoreContract;
import io.herald.store.StoreProperties;
import io.herald.store.TestDatabases;

class PostgresEventStoreIT extends EventStoreContract {

    private static HikariDataSource dataSource;
    private static PostgresEventStore store;

    @BeforeAll
    static void start() {
        dataSource = TestDatabases.migrated("herald_store_contract_it", 8);
        new PartitionMaintenance(dataSource, Clock.systemUTC(), StoreProperties.defaults()).run();
        store = new PostgresEventStore(dataSource, Clock.systemUTC(), StoreProperties.defaults());
    }

    @AfterAll
    static void stop() {
        store.close();
        dataSource.close();
    }

    @Override
    protected EventStore store() {
        return store;
    }
}
