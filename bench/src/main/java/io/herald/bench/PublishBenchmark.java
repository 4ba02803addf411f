package io.herald.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;

import org.flywaydb.core.Flyway;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.PropertiesPropertySource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.herald.store.CloudEventParser;
import io.herald.store.EventLimits;
import io.herald.store.EventStore;
import io.herald.store.FeedQuery;
import io.herald.store.EventPosition;
import io.herald.store.IncomingEvent;
import io.herald.store.StoreConfiguration;
import io.herald.store.StoreProperties;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Publishing through the event store against the raw PostgreSQL rates on the same machine in the
 * same run: single events at N concurrent publishers vs one-row transactions at N clients, and
 * 100-event batches vs 100-row transactions. Bounded in time; talks only to the local PostgreSQL.
 *
 * <p>Run: {@code bench/run-publish.sh} (arguments: seconds per phase, clients).
 */
public final class PublishBenchmark {

    private static final String SERVER = System.getProperty("herald.bench.postgres.url", "jdbc:postgresql://127.0.0.1:5432/");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final CloudEventParser PARSER = new CloudEventParser(new EventLimits(64 * 1024, 1024));

    private interface Work {
        int run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        String url = recreate("bench_publish");
        try (HikariDataSource dataSource = pool(url, clients + 4)) {
            Flyway.configure().dataSource(dataSource).load().migrate();
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE raw_baseline (id bigserial PRIMARY KEY, source text, event_id text, body text)");
            }
            // herald.store.* settings may be given as -D system properties, e.g. -Dherald.store.group-commit.writers=4
            StoreProperties properties = new Binder(ConfigurationPropertySources.from(
                    new PropertiesPropertySource("system", System.getProperties()))).bindOrCreate("herald.store", StoreProperties.class);
            System.out.println("store settings: " + properties);
            EventStore store = StoreConfiguration.standalone(dataSource, Clock.systemUTC(), properties);
            String body = event("urn:altinn:resource:bench").toString();

            double rawSingle = rate("raw: one-row transactions", seconds, clients, () -> {
                try (Connection c = dataSource.getConnection(); PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO raw_baseline (source, event_id, body) VALUES (?, ?, ?)")) {
                    insert.setString(1, "https://bench");
                    insert.setString(2, UUID.randomUUID().toString());
                    insert.setString(3, body);
                    insert.executeUpdate();
                }
                return 1;
            });
            double heraldSingle = rate("herald: single-event appends", seconds, clients, () -> {
                store.append(List.of(PARSER.parse(event("urn:altinn:resource:bench-single"))));
                return 1;
            });
            double rawBatch = rate("raw: 100-row transactions", seconds, clients, () -> {
                try (Connection c = dataSource.getConnection()) {
                    c.setAutoCommit(false);
                    try (PreparedStatement insert = c.prepareStatement(
                            "INSERT INTO raw_baseline (source, event_id, body) VALUES (?, ?, ?)")) {
                        for (int i = 0; i < 100; i++) {
                            insert.setString(1, "https://bench");
                            insert.setString(2, UUID.randomUUID().toString());
                            insert.setString(3, body);
                            insert.addBatch();
                        }
                        insert.executeBatch();
                    }
                    c.commit();
                }
                return 100;
            });
            double heraldBatch = rate("herald: 100-event batch appends", seconds, clients, () -> {
                List<IncomingEvent> batch = new ArrayList<>(100);
                for (int i = 0; i < 100; i++) {
                    batch.add(PARSER.parse(event("urn:altinn:resource:bench-batch")));
                }
                store.append(batch);
                return 100;
            });
            long pageStart = System.nanoTime();
            int pages = 0;
            EventPosition cursor = EventPosition.START;
            while (System.nanoTime() - pageStart < Duration.ofSeconds(Math.min(seconds, 5)).toNanos()) {
                var page = store.read(FeedQuery.after(cursor, 50).withResource("urn:altinn:resource:bench-single"));
                cursor = page.events().isEmpty() ? EventPosition.START : page.next();
                pages++;
            }
            double pageMillis = (System.nanoTime() - pageStart) / 1e6 / pages;
            store.close();

            System.out.printf("%nclients %d, %d s per phase%n", clients, seconds);
            System.out.printf("single events: herald %.0f/s vs raw one-row transactions %.0f/s -> ratio %.2f (target >= 1.0)%n",
                    heraldSingle, rawSingle, heraldSingle / rawSingle);
            System.out.printf("batches of 100: herald %.0f events/s vs raw 100-row transactions %.0f rows/s -> ratio %.2f (target >= 0.5)%n",
                    heraldBatch, rawBatch, heraldBatch / rawBatch);
            System.out.printf("feed: 50-event page read in %.2f ms on average (one reader, sequential)%n", pageMillis);
        }
        try (Connection admin = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
             Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS bench_publish WITH (FORCE)");
        }
    }

    private static double rate(String name, int seconds, int clients, Work work) throws Exception {
        LongAdder done = new LongAdder();
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            futures.add(pool.submit(() -> {
                while (System.nanoTime() < deadline) {
                    done.add(work.run());
                }
                return null;
            }));
        }
        for (Future<?> future : futures) {
            future.get();
        }
        pool.shutdown();
        double rate = done.sum() / ((System.nanoTime() - start) / 1e9);
        System.out.printf("%-34s %10.0f/s%n", name, rate);
        return rate;
    }

    private static ObjectNode event(String resource) {
        ObjectNode node = JSON.createObjectNode();
        node.put("specversion", "1.0");
        node.put("id", UUID.randomUUID().toString());
        node.put("source", "https://ttd.apps.example/ttd/bench/instances/50001/" + UUID.randomUUID());
        node.put("type", "app.instance.created");
        node.put("subject", "/party/50001");
        node.put("resource", resource);
        node.putObject("data").put("note", "a small payload of a typical app event");
        return node;
    }

    private static String recreate(String name) throws SQLException {
        try (Connection admin = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
             Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            statement.execute("CREATE DATABASE " + name);
        }
        return SERVER + name;
    }

    private static HikariDataSource pool(String url, int size) {
        var config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername("postgres");
        config.setMaximumPoolSize(size);
        return new HikariDataSource(config);
    }
}
