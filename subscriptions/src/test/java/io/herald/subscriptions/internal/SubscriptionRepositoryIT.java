package io.herald.subscriptions.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import com.zaxxer.hikari.HikariDataSource;

import io.herald.store.TestDatabases;
import io.herald.subscriptions.Subscription;
import io.herald.subscriptions.SubscriptionFilter;
import io.herald.subscriptions.SubscriptionId;
import io.herald.subscriptions.SubscriptionLimitException;

class SubscriptionRepositoryIT {

    private static final AtomicInteger CONSUMERS = new AtomicInteger();
    private static final SubscriptionFilter FILTER = new SubscriptionFilter("urn:altinn:resource:app_ttd_apply",
            "https://ttd.apps.example/ttd/apply", "/party/50001", "/org/910011154", "app.instance.*", true);

    private static HikariDataSource dataSource;
    private static JdbcTemplate jdbc;
    private static SubscriptionRepository repository;
    private static SecretCipher cipher;

    @BeforeAll
    static void start() {
        dataSource = TestDatabases.migrated("herald_subscription_repo_it", 4);
        jdbc = new JdbcTemplate(dataSource);
        repository = new SubscriptionRepository(jdbc, new DataSourceTransactionManager(dataSource));
        cipher = new SecretCipher(SecretCipherTest.KEY, new SecureRandom());
    }

    @AfterAll
    static void stop() {
        dataSource.close();
    }

    @Test
    void shouldStoreEveryFieldAndTakeTheNextCatalogVersion() {
        String consumer = newConsumer();
        long before = catalogVersion();
        Instant createdAt = Instant.parse("2026-11-27T10:15:30.123456Z");

        Subscription stored = repository.insert(row(consumer, createdAt), 10);

        assertThat(stored.version()).isEqualTo(before + 1).isEqualTo(catalogVersion());
        assertThat(stored.consumer()).isEqualTo(consumer);
        assertThat(stored.createdBy()).isEqualTo("12247918309");
        assertThat(stored.endpoint()).isEqualTo(URI.create("https://hooks.example/herald?token=abc"));
        assertThat(stored.filter()).isEqualTo(FILTER);
        assertThat(stored.createdAt()).isEqualTo(createdAt);
        assertThat(stored.paused()).isFalse();
        assertThat(stored.validated()).isFalse();
        assertThat(stored.status()).isEqualTo("pending-validation");
        assertThat(repository.find(consumer, stored.id())).contains(stored);
    }

    @Test
    void shouldTakeANewVersionForEachPauseAndResume() {
        String consumer = newConsumer();
        Subscription stored = repository.insert(row(consumer), 10);

        Subscription paused = repository.setPaused(consumer, stored.id(), true).orElseThrow();
        assertThat(paused.paused()).isTrue();
        assertThat(paused.version()).isGreaterThan(stored.version()).isEqualTo(catalogVersion());

        Subscription resumed = repository.setPaused(consumer, stored.id(), false).orElseThrow();
        assertThat(resumed.paused()).isFalse();
        assertThat(resumed.version()).isGreaterThan(paused.version()).isEqualTo(catalogVersion());
        assertThat(repository.find(consumer, stored.id())).contains(resumed);
    }

    @Test
    void shouldLeaveATombstoneUnderTheDeletesVersion() {
        String consumer = newConsumer();
        Subscription stored = repository.insert(row(consumer), 10);

        assertThat(repository.delete(consumer, stored.id())).isTrue();

        long version = catalogVersion();
        assertThat(version).isGreaterThan(stored.version());
        assertThat(jdbc.queryForObject("SELECT version FROM subscription_tombstone WHERE id = ?", Long.class, stored.id().value()))
                .isEqualTo(version);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM subscription WHERE id = ?", Integer.class, stored.id().value()))
                .isZero();
        assertThat(repository.find(consumer, stored.id())).isEmpty();
        assertThat(repository.delete(consumer, stored.id())).isFalse();
    }

    @Test
    void shouldTreatAnotherConsumersSubscriptionAsMissingAndLeaveTheCatalogAlone() {
        String owner = newConsumer();
        String other = newConsumer();
        Subscription stored = repository.insert(row(owner), 10);
        long before = catalogVersion();

        assertThat(repository.find(other, stored.id())).isEmpty();
        assertThat(repository.setPaused(other, stored.id(), true)).isEmpty();
        assertThat(repository.delete(other, stored.id())).isFalse();
        assertThat(repository.setPaused(owner, new SubscriptionId(Long.MAX_VALUE), true)).isEmpty();
        assertThat(repository.list(other)).isEmpty();

        assertThat(catalogVersion()).isEqualTo(before);
        assertThat(repository.find(owner, stored.id())).contains(stored);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM subscription_tombstone WHERE id = ?", Integer.class,
                stored.id().value())).isZero();
    }

    @Test
    void shouldListOnlyTheConsumersOwnInTheOrderTheyWereCreated() {
        String consumer = newConsumer();
        Subscription first = repository.insert(row(consumer), 10);
        repository.insert(row(newConsumer()), 10);
        Subscription second = repository.insert(row(consumer), 10);

        assertThat(repository.list(consumer)).containsExactly(first, second);
    }

    @Test
    void shouldStoreTheSecretSealedAndOpenItAgain() {
        String secret = cipher.newSecret();
        Subscription stored = repository.insert(new SubscriptionRepository.NewRow(newConsumer(), "12247918309",
                URI.create("https://hooks.example/herald"), FILTER, false, cipher.encrypt(secret), now()), 10);

        byte[] sealed = repository.sealedSecret(stored.id()).orElseThrow();

        assertThat(new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(secret.substring(6));
        assertThat(cipher.decrypt(sealed)).isEqualTo(secret);
    }

    @Test
    void shouldRefuseTheSubscriptionBeyondTheCapUntilOneIsDeleted() {
        String consumer = newConsumer();
        List<Subscription> stored = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            stored.add(repository.insert(row(consumer), 3));
        }
        long before = catalogVersion();

        assertThatThrownBy(() -> repository.insert(row(consumer), 3))
                .isInstanceOf(SubscriptionLimitException.class)
                .hasMessageContaining("at most 3");
        assertThat(catalogVersion()).isEqualTo(before);
        assertThat(repository.insert(row(newConsumer()), 3)).isNotNull();

        repository.delete(consumer, stored.get(0).id());
        assertThat(repository.insert(row(consumer), 3)).isNotNull();
        assertThat(repository.list(consumer)).hasSize(3);
    }

    @Test
    void shouldLetOnlyAsManyConcurrentCreatesThroughAsTheCapAllows() throws Exception {
        String consumer = newConsumer();
        int cap = 5;
        int attempts = 16;
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            var start = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < attempts; i++) {
                results.add(threads.submit((Callable<Boolean>) () -> {
                    start.await();
                    try {
                        repository.insert(row(consumer), cap);
                        return true;
                    } catch (SubscriptionLimitException e) {
                        return false;
                    }
                }));
            }
            start.countDown();
            int created = 0;
            for (Future<Boolean> result : results) {
                created += get(result) ? 1 : 0;
            }

            assertThat(created).isEqualTo(cap);
            assertThat(repository.list(consumer)).hasSize(cap);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void shouldGiveEveryConcurrentChangeItsOwnCatalogVersion() throws Exception {
        String consumer = newConsumer();
        long before = catalogVersion();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<Subscription>> results = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                results.add(threads.submit(() -> repository.insert(row(consumer), 100)));
            }
            List<Long> versions = new ArrayList<>();
            for (Future<Subscription> result : results) {
                versions.add(get(result).version());
            }

            assertThat(versions).doesNotHaveDuplicates().allMatch(v -> v > before && v <= before + 20);
            assertThat(catalogVersion()).isEqualTo(before + 20);
        } finally {
            threads.shutdownNow();
        }
    }

    private static <T> T get(Future<T> future) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }

    private static SubscriptionRepository.NewRow row(String consumer) {
        return row(consumer, now());
    }

    private static SubscriptionRepository.NewRow row(String consumer, Instant createdAt) {
        return new SubscriptionRepository.NewRow(consumer, "12247918309", URI.create("https://hooks.example/herald?token=abc"),
                FILTER, false, cipher.encrypt(cipher.newSecret()), createdAt);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    private static String newConsumer() {
        return "/org/consumer" + CONSUMERS.incrementAndGet();
    }

    private static long catalogVersion() {
        return jdbc.queryForObject("SELECT version FROM subscription_catalog WHERE id = 1", Long.class);
    }
}
