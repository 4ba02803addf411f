package io.herald.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import com.zaxxer.hikari.HikariDataSource;

import io.herald.store.FieldError;
import io.herald.store.TestDatabases;
import io.herald.subscriptions.internal.SecretCipher;
import io.herald.subscriptions.internal.SubscriptionRepository;

class SubscriptionServiceIT {

    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String RESOURCE = "urn:altinn:resource:app_ttd_apply";
    private static final Instant NOW = Instant.parse("2026-11-27T10:15:30Z");
    private static final AtomicInteger CONSUMERS = new AtomicInteger();

    private static HikariDataSource dataSource;
    private static JdbcTemplate jdbc;
    private static SecretCipher cipher;
    /** Each announced subscription's version as read on another connection when the announcement came. */
    private static final Map<SubscriptionId, Long> announced = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() {
        dataSource = TestDatabases.migrated("herald_subscription_service_it", 4);
        jdbc = new JdbcTemplate(dataSource);
        cipher = new SecretCipher(KEY, new SecureRandom());
    }

    @AfterAll
    static void stop() {
        dataSource.close();
    }

    private static SubscriptionService service(Map<String, String> settings) {
        var source = new HashMap<String, String>();
        source.put("herald.subscriptions.secret-key", KEY);
        settings.forEach((name, value) -> source.put("herald.subscriptions." + name, value));
        SubscriptionsProperties properties = new Binder(new MapConfigurationPropertySource(source))
                .bindOrCreate("herald.subscriptions", SubscriptionsProperties.class);
        var repository = new SubscriptionRepository(jdbc, new DataSourceTransactionManager(dataSource));
        return new SubscriptionService(repository, cipher, properties, event -> {
            SubscriptionId id = ((SubscriptionCreated) event).id();
            announced.put(id, jdbc.queryForObject("SELECT version FROM subscription WHERE id = ?", Long.class, id.value()));
        }, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static NewSubscription request() {
        return request("app.instance.*");
    }

    private static NewSubscription request(String type) {
        return new NewSubscription("https://hooks.example/herald", RESOURCE, null, "/party/50001", null, type, false, false);
    }

    @Test
    void shouldCreateWithASecretShownOnceAndAnnounceItAfterTheCommit() {
        SubscriptionService service = service(Map.of());
        String consumer = newConsumer();

        CreatedSubscription created = service.create(request(), consumer, "12247918309");

        Subscription subscription = created.subscription();
        assertThat(subscription.consumer()).isEqualTo(consumer);
        assertThat(subscription.createdBy()).isEqualTo("12247918309");
        assertThat(subscription.createdAt()).isEqualTo(NOW);
        assertThat(subscription.filter()).isEqualTo(new SubscriptionFilter(RESOURCE, null, "/party/50001", null, "app.instance.*", false));
        assertThat(subscription.status()).isEqualTo("pending-validation");
        assertThat(created.secret()).startsWith("whsec_");
        assertThat(created.toString()).doesNotContain(created.secret());
        byte[] sealed = jdbc.queryForObject("SELECT secret FROM subscription WHERE id = ?", byte[].class, subscription.id().value());
        assertThat(cipher.decrypt(sealed)).isEqualTo(created.secret());
        assertThat(announced).as("committed before it was announced").containsEntry(subscription.id(), subscription.version());
        assertThat(service.get(consumer, subscription.id())).contains(subscription);
    }

    @Test
    void shouldRefuseAnInvalidSubscriptionWithoutStoringOrAnnouncingIt() {
        SubscriptionService service = service(Map.of());
        String consumer = newConsumer();
        int before = announced.size();

        assertThatThrownBy(() -> service.create(new NewSubscription("http://hooks.example/herald", "", null, null, null, "*a*", false, false),
                consumer, "someone"))
                .isInstanceOfSatisfying(InvalidSubscriptionException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field).containsExactly("endPoint", "resourceFilter", "typeFilter"));
        assertThat(service.list(consumer)).isEmpty();
        assertThat(announced).hasSize(before);
    }

    @Test
    void shouldStopAtTheCapPerConsumer() {
        SubscriptionService service = service(Map.of("max-per-consumer", "2"));
        String consumer = newConsumer();
        service.create(request("app.instance.created"), consumer, "someone");
        service.create(request("app.instance.process.completed"), consumer, "someone");

        assertThat(service.create(request("app.instance.created"), consumer, "someone").existed())
                .as("the one it has is no new subscription").isTrue();
        assertThatThrownBy(() -> service.create(request(), consumer, "someone"))
                .isInstanceOf(SubscriptionLimitException.class)
                .hasMessageContaining("at most 2");
        assertThat(service.list(consumer)).hasSize(2);
        assertThat(service.create(request(), newConsumer(), "someone")).isNotNull();
    }

    @Test
    void shouldManageOnlyTheConsumersOwnSubscriptions() {
        SubscriptionService service = service(Map.of());
        String owner = newConsumer();
        String other = newConsumer();
        SubscriptionId id = service.create(request(), owner, "someone").subscription().id();

        assertThat(service.get(other, id)).isEmpty();
        assertThat(service.pause(other, id)).isEmpty();
        assertThat(service.resume(other, id)).isEmpty();
        assertThat(service.delete(other, id)).isFalse();
        assertThat(service.list(other)).isEmpty();

        assertThat(service.pause(owner, id)).hasValueSatisfying(s -> assertThat(s.paused()).isTrue());
        assertThat(service.resume(owner, id)).hasValueSatisfying(s -> assertThat(s.paused()).isFalse());
        assertThat(service.list(owner)).extracting(Subscription::id).containsExactly(id);
        assertThat(service.delete(owner, id)).isTrue();
        assertThat(service.get(owner, id)).isEmpty();
        assertThat(service.delete(owner, id)).isFalse();
    }

    @Test
    void shouldKeepTheSubscriptionWhenAListenerFails() {
        var repository = new SubscriptionRepository(jdbc, new DataSourceTransactionManager(dataSource));
        var properties = new Binder(new MapConfigurationPropertySource(Map.of("herald.subscriptions.secret-key", KEY)))
                .bindOrCreate("herald.subscriptions", SubscriptionsProperties.class);
        var service = new SubscriptionService(repository, cipher, properties, event -> {
            throw new IllegalStateException("listener down");
        }, Clock.systemUTC());
        String consumer = newConsumer();

        CreatedSubscription created = service.create(request(), consumer, "someone");

        assertThat(service.get(consumer, created.subscription().id())).isPresent();
    }

    /** Found while documenting the API: a handshake that gave up could only be revived by delete and create. */
    @Test
    void shouldRestartAHandshakeThatGaveUpWhenResumed() {
        String consumer = "/org/revive" + CONSUMERS.incrementAndGet();
        SubscriptionService service = service(Map.of());
        SubscriptionId id = service.create(request(), consumer, "test").subscription().id();
        jdbc.update("UPDATE subscription SET validation_attempts = 12, next_validation_at = NULL, "
                + "last_validation_error = 'HTTP 503' WHERE id = ?", id.value());

        service.pause(consumer, id);
        service.resume(consumer, id);

        assertThat(jdbc.queryForObject("SELECT validation_attempts FROM subscription WHERE id = ?", Integer.class, id.value()))
                .isZero();
        assertThat(jdbc.queryForObject("SELECT next_validation_at IS NOT NULL FROM subscription WHERE id = ?", Boolean.class,
                id.value())).isTrue();
    }

    @Test
    void shouldRequireTheCallersIdentity() {
        SubscriptionService service = service(Map.of());

        assertThatThrownBy(() -> service.create(request(), " ", "someone")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> service.create(request(), newConsumer(), null)).isInstanceOf(IllegalArgumentException.class);
    }

    private static String newConsumer() {
        return "/org/service" + CONSUMERS.incrementAndGet();
    }
}
