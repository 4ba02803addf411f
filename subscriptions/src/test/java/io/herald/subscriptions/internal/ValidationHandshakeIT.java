package io.herald.subscriptions.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.serverError;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.zaxxer.hikari.HikariDataSource;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import io.herald.store.MutableClock;
import io.herald.store.TestDatabases;
import io.herald.subscriptions.OutboundGuard;
import io.herald.subscriptions.ScriptedResolver;
import io.herald.subscriptions.SubscriptionCreated;
import io.herald.subscriptions.SubscriptionId;
import io.herald.subscriptions.SubscriptionsProperties;
import io.herald.subscriptions.WebhookSigner;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ValidationHandshakeIT {

    private static final SecretCipher CIPHER = new SecretCipher(
            java.util.Base64.getEncoder().encodeToString(new byte[32]), new java.security.SecureRandom());
    private static final String SECRET = CIPHER.newSecret();

    private static final String RESOURCE = "urn:altinn:resource:app_ttd_handshake";
    private static final Instant NOW = Instant.parse("2026-03-02T10:15:30.123Z");
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final String BASE_URL = "https://events.example";
    private static final String ORIGIN = "events.example";

    private static HikariDataSource dataSource;
    private static WireMockServer endpoint;

    private final MutableClock clock = new MutableClock(NOW);
    private final List<ValidationHandshake> started = new ArrayList<>();

    @BeforeAll
    static void startDatabaseAndEndpoint() {
        dataSource = TestDatabases.migrated("herald_handshake_it", 4);
        endpoint = new WireMockServer(options().dynamicPort());
        endpoint.start();
    }

    @AfterAll
    static void stopDatabaseAndEndpoint() {
        endpoint.stop();
        dataSource.close();
    }

    @BeforeEach
    void forgetEarlierSubscriptions() throws SQLException {
        endpoint.resetAll();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("DELETE FROM subscription");
        }
    }

    @AfterEach
    void stopHandshakes() {
        started.forEach(ValidationHandshake::stop);
    }

    @Test
    void shouldValidateOnA200AndSendAValidationCloudEvent() throws Exception {
        endpoint.stubFor(post("/hooks/ok").willReturn(ok()));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        start(Duration.ofMillis(50), meters);
        long catalogBefore = catalogVersion();

        SubscriptionId id = insertSubscription(endpoint.url("/hooks/ok"));

        await().atMost(PATIENCE).until(() -> row(id).validatedAt() != null);
        Row row = row(id);
        assertThat(row.validatedTx()).isNotNull().isPositive();
        assertThat(row.nextValidationAt()).isNull();
        assertThat(row.attempts()).isZero();
        assertThat(catalogVersion()).isEqualTo(catalogBefore + 1);
        assertThat(row.version()).isEqualTo(catalogBefore + 1);
        // counted just after the row is written: await it rather than race the handshake thread
        await().atMost(PATIENCE).until(() ->
                meters.counter("herald.subscriptions.validation", "outcome", "validated").count() == 1);

        List<LoggedRequest> requests = endpoint.findAll(postRequestedFor(urlEqualTo("/hooks/ok")));
        assertThat(requests).hasSize(1);
        LoggedRequest request = requests.get(0);
        assertThat(request.getHeader("Content-Type")).isEqualTo("application/cloudevents+json");
        JsonNode event = JsonMapper.builder().build().readTree(request.getBodyAsString());
        assertThat(event.get("specversion").asString()).isEqualTo("1.0");
        assertThat(UUID.fromString(event.get("id").asString())).isNotNull();
        assertThat(event.get("source").asString()).as("where the platform's receivers read the subscription from")
                .isEqualTo(BASE_URL + "/events/api/v1/subscriptions/" + id);
        assertThat(event.get("type").asString()).isEqualTo("platform.events.validatesubscription");
        assertThat(event.get("subject").asString()).isEqualTo("/subscription/" + id);
        assertThat(event.get("resource").asString()).isEqualTo(RESOURCE);
        assertThat(Instant.parse(event.get("time").asString())).isEqualTo(NOW);
        assertThat(event.get("data").get("subscriptionId").asLong()).isEqualTo(id.value());
        String webhookId = request.getHeader("webhook-id");
        assertThat(request.getHeader("webhook-signature")).as("signed like every delivery").isEqualTo(new WebhookSigner()
                .signature(webhookId, Long.parseLong(request.getHeader("webhook-timestamp")), request.getBody(), List.of(SECRET)));
    }

    /** A receiver written for the CloudEvents web hook spec answers POST with 405 until it consented to OPTIONS. */
    @Test
    void shouldValidateAReceiverThatImplementsOnlyTheWebHookHandshakeAndKeepTheRateItAllows() throws Exception {
        endpoint.stubFor(post("/hooks/webhook-spec").willReturn(aResponse().withStatus(405)));
        endpoint.stubFor(any(urlEqualTo("/hooks/webhook-spec")).atPriority(1)
                .withHeader("WebHook-Request-Origin", equalTo(ORIGIN))
                .andMatching(request -> com.github.tomakehurst.wiremock.matching.MatchResult.of(
                        request.getMethod().getName().equals("OPTIONS")))
                .willReturn(ok().withHeader("WebHook-Allowed-Origin", ORIGIN).withHeader("WebHook-Allowed-Rate", "120")
                        .withHeader("Allow", "POST")));
        start(Duration.ofMillis(50), new SimpleMeterRegistry());

        SubscriptionId id = insertSubscription(endpoint.url("/hooks/webhook-spec"));

        await().atMost(PATIENCE).until(() -> row(id).validatedAt() != null);
        assertThat(allowedRate(id)).isEqualTo(120);
        endpoint.verify(postRequestedFor(urlEqualTo("/hooks/webhook-spec")));
    }

    @Test
    void shouldTakeAnAsteriskAsConsentWithoutARateLimit() throws Exception {
        endpoint.stubFor(post("/hooks/any-origin").willReturn(aResponse().withStatus(405)));
        stubOptions("/hooks/any-origin", ok().withHeader("WebHook-Allowed-Origin", "*").withHeader("WebHook-Allowed-Rate", "*"));
        start(Duration.ofMillis(50), new SimpleMeterRegistry());

        SubscriptionId id = insertSubscription(endpoint.url("/hooks/any-origin"));

        await().atMost(PATIENCE).until(() -> row(id).validatedAt() != null);
        assertThat(allowedRate(id)).isNull();
    }

    /** The spec: an OPTIONS answer without the header is no consent, whatever its status (a CORS answer, say). */
    @Test
    void shouldNotTakeAnOptionsAnswerWithoutAllowedOriginOrForAnotherOriginAsConsent() throws Exception {
        endpoint.stubFor(post("/hooks/cors").willReturn(aResponse().withStatus(405)));
        stubOptions("/hooks/cors", ok().withHeader("Access-Control-Allow-Origin", "*"));
        endpoint.stubFor(post("/hooks/other-origin").willReturn(aResponse().withStatus(405)));
        stubOptions("/hooks/other-origin", ok().withHeader("WebHook-Allowed-Origin", "someone-else.example"));
        start(Duration.ofMillis(50), new SimpleMeterRegistry());

        SubscriptionId cors = insertSubscription(endpoint.url("/hooks/cors"));
        SubscriptionId other = insertSubscription(endpoint.url("/hooks/other-origin"));

        await().atMost(PATIENCE).until(() -> row(cors).attempts() >= 1 && row(other).attempts() >= 1);
        assertThat(row(cors).validatedAt()).isNull();
        assertThat(row(cors).lastError()).contains("HTTP 405").contains("without WebHook-Allowed-Origin");
        assertThat(row(other).validatedAt()).isNull();
        assertThat(row(other).lastError()).contains("another origin");
    }

    @Test
    void shouldAttemptANewSubscriptionAtOnceWithoutWaitingForTheSweep() throws Exception {
        endpoint.stubFor(post("/hooks/at-once").willReturn(ok()));
        ValidationHandshake handshake = start(Duration.ofHours(1), new SimpleMeterRegistry());

        SubscriptionId id = insertSubscription(endpoint.url("/hooks/at-once"));
        handshake.onCreated(new SubscriptionCreated(id));

        await().atMost(PATIENCE).until(() -> row(id).validatedAt() != null);
        endpoint.verify(1, postRequestedFor(urlEqualTo("/hooks/at-once")));
    }

    @Test
    void shouldValidateAfterARetryWhenTheEndpointFailsFirst() throws Exception {
        endpoint.stubFor(post("/hooks/flaky").inScenario("flaky").whenScenarioStateIs(STARTED)
                .willReturn(serverError()).willSetStateTo("recovered"));
        endpoint.stubFor(post("/hooks/flaky").inScenario("flaky").whenScenarioStateIs("recovered")
                .willReturn(ok()));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        start(Duration.ofMillis(50), meters);

        SubscriptionId id = insertSubscription(endpoint.url("/hooks/flaky"));

        await().atMost(PATIENCE).until(() -> row(id).validatedAt() != null);
        Row row = row(id);
        assertThat(row.attempts()).isEqualTo(1);
        assertThat(row.lastError()).isNull();
        endpoint.verify(2, postRequestedFor(urlEqualTo("/hooks/flaky")));
        await().atMost(PATIENCE).until(() ->
                meters.counter("herald.subscriptions.validation", "outcome", "validated").count() == 1);
        assertThat(meters.counter("herald.subscriptions.validation", "outcome", "failed").count()).isEqualTo(1);
    }

    @Test
    void shouldNotFollowARedirectAndCountItAsAFailure() throws Exception {
        endpoint.stubFor(post("/hooks/moved").willReturn(aResponse().withStatus(302)
                .withHeader("Location", endpoint.url("/hooks/elsewhere"))));
        endpoint.stubFor(post("/hooks/elsewhere").willReturn(ok()));
        start(Duration.ofMillis(50), new SimpleMeterRegistry());

        SubscriptionId id = insertSubscription(endpoint.url("/hooks/moved"));

        await().atMost(PATIENCE).until(() -> row(id).attempts() >= 1);
        Row row = row(id);
        assertThat(row.validatedAt()).isNull();
        assertThat(row.lastError()).contains("302");
        assertThat(endpoint.findAll(anyRequestedFor(urlEqualTo("/hooks/elsewhere")))).isEmpty();
    }

    @Test
    void shouldGiveUpAfterTheLastRetryDelayAndStayPendingValidation() throws Exception {
        endpoint.stubFor(post("/hooks/broken").willReturn(serverError()));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        start(Duration.ofMillis(50), meters);

        SubscriptionId id = insertSubscription(endpoint.url("/hooks/broken"));

        // the first attempt and one after each of the two retry delays
        await().atMost(PATIENCE).until(() -> row(id).attempts() == 3 && row(id).nextValidationAt() == null);
        Row row = row(id);
        assertThat(row.validatedAt()).isNull();
        assertThat(row.validatedTx()).isNull();
        assertThat(row.lastError()).startsWith("HTTP 500 to the validation event");
        await().atMost(PATIENCE).until(() ->
                meters.counter("herald.subscriptions.validation", "outcome", "gave-up").count() == 1);
        assertThat(meters.counter("herald.subscriptions.validation", "outcome", "failed").count()).isEqualTo(2);
        await().during(Duration.ofMillis(500)).atMost(PATIENCE)
                .until(() -> endpoint.countRequestsMatching(postRequestedFor(urlEqualTo("/hooks/broken")).build()).getCount() == 3);
    }

    @Test
    void shouldRecordARefusedConnectionAsAFailedAttempt() throws Exception {
        start(Duration.ofMillis(50), new SimpleMeterRegistry());

        SubscriptionId id = insertSubscription("http://127.0.0.1:" + closedPort() + "/hooks/gone?token=s3cret");

        await().atMost(PATIENCE).until(() -> row(id).attempts() >= 1);
        assertThat(row(id).lastError()).startsWith("ConnectException").doesNotContain("s3cret");
        assertThat(row(id).validatedAt()).isNull();
    }

    @Test
    void shouldLeaveTheCatalogAloneWhenTheSubscriptionIsDeletedDuringItsHandshake() throws Exception {
        endpoint.stubFor(post("/hooks/slow").willReturn(ok().withFixedDelay(300)));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ValidationHandshake handshake = start(Duration.ofMillis(50), meters);
        long catalogBefore = catalogVersion();

        SubscriptionId id = insertSubscription(endpoint.url("/hooks/slow"));
        await().atMost(PATIENCE).until(() -> !endpoint.findAll(postRequestedFor(urlEqualTo("/hooks/slow"))).isEmpty());
        execute("DELETE FROM subscription WHERE id = " + id.value());
        handshake.stop(); // lets the attempt in flight finish

        assertThat(catalogVersion()).isEqualTo(catalogBefore);
        assertThat(meters.counter("herald.subscriptions.validation", "outcome", "validated").count()).isZero();
    }

    @Test
    void shouldNeverSendOneAttemptTwiceWhenTwoInstancesShareTheDatabase() throws Exception {
        SimpleMeterRegistry first = new SimpleMeterRegistry();
        SimpleMeterRegistry second = new SimpleMeterRegistry();
        ValidationHandshake one = start(Duration.ofMillis(50), first);
        ValidationHandshake other = start(Duration.ofMillis(50), second);
        long catalogBefore = catalogVersion();

        List<SubscriptionId> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String path = "/hooks/shared/" + i;
            endpoint.stubFor(post(path).willReturn(ok().withFixedDelay(20)));
            SubscriptionId id = insertSubscription(endpoint.url(path));
            ids.add(id);
            // both instances hear of it and both sweeps see it due
            one.onCreated(new SubscriptionCreated(id));
            other.onCreated(new SubscriptionCreated(id));
        }

        await().atMost(PATIENCE).until(() -> ids.stream().allMatch(id -> row(id).validatedAt() != null));
        for (int i = 0; i < ids.size(); i++) {
            endpoint.verify(1, postRequestedFor(urlEqualTo("/hooks/shared/" + i)));
        }
        await().atMost(PATIENCE).until(() -> first.counter("herald.subscriptions.validation", "outcome", "validated").count()
                + second.counter("herald.subscriptions.validation", "outcome", "validated").count() == ids.size());
        assertThat(catalogVersion()).isEqualTo(catalogBefore + ids.size());
    }

    /** Issue 5: the guard checks the address the handshake connects to; a name for loopback gets nothing. */
    @Test
    void shouldFailTheAttemptWhenTheEndpointsNameResolvesToLoopbackAtConnectTime() throws Exception {
        endpoint.stubFor(post("/hooks/internal").willReturn(ok()));
        start(Duration.ofMillis(50), new SimpleMeterRegistry(),
                new OutboundGuard(List.of(), ScriptedResolver.resolving("hooks.test", "127.0.0.1")));

        SubscriptionId id = insertSubscription("http://hooks.test:" + endpoint.port() + "/hooks/internal");

        await().atMost(PATIENCE).until(() -> row(id).attempts() >= 1);
        assertThat(row(id).lastError()).startsWith("refused: ").contains("internal address (127.0.0.1)");
        assertThat(row(id).validatedAt()).isNull();
        assertThat(endpoint.findAll(anyRequestedFor(urlEqualTo("/hooks/internal")))).isEmpty();
    }

    @Test
    void shouldFailTheAttemptForAnIpv4MappedLoopbackEndpoint() throws Exception {
        endpoint.stubFor(post("/hooks/mapped").willReturn(ok()));
        start(Duration.ofMillis(50), new SimpleMeterRegistry(), new OutboundGuard(List.of()));

        SubscriptionId id = insertSubscription("http://[::ffff:7f00:1]:" + endpoint.port() + "/hooks/mapped");

        await().atMost(PATIENCE).until(() -> row(id).attempts() >= 1);
        assertThat(row(id).lastError()).startsWith("refused: ");
        assertThat(endpoint.findAll(anyRequestedFor(urlEqualTo("/hooks/mapped")))).isEmpty();
    }

    /** The other side: when the allow-list permits it, the handshake reaches the address the guard resolved. */
    @Test
    void shouldValidateThroughTheGuardsResolverWhenTheAllowListPermitsTheAddress() throws Exception {
        endpoint.stubFor(post("/hooks/allowed").willReturn(ok()));
        start(Duration.ofMillis(50), new SimpleMeterRegistry(),
                new OutboundGuard(List.of("127.0.0.0/8"), ScriptedResolver.resolving("hooks.test", "127.0.0.1")));

        SubscriptionId id = insertSubscription("http://hooks.test:" + endpoint.port() + "/hooks/allowed");

        await().atMost(PATIENCE).until(() -> row(id).validatedAt() != null);
        endpoint.verify(1, postRequestedFor(urlEqualTo("/hooks/allowed")));
    }

    private ValidationHandshake start(Duration sweepInterval, SimpleMeterRegistry meters) {
        return start(sweepInterval, meters, null);
    }

    private ValidationHandshake start(Duration sweepInterval, SimpleMeterRegistry meters, OutboundGuard guard) {
        SubscriptionsProperties defaults = SubscriptionsProperties.defaults();
        var validation = new SubscriptionsProperties.Validation(
                List.of(Duration.ofMillis(100), Duration.ofMillis(200)), Duration.ofSeconds(1), sweepInterval,
                java.net.URI.create(BASE_URL));
        var properties = new SubscriptionsProperties(null, true, defaults.maxEndpointLength(), defaults.maxFilterLength(),
                defaults.maxPerConsumer(), validation, defaults.matcher(),
                new SubscriptionsProperties.Outbound(List.of("127.0.0.0/8")), defaults.secretOverlap());
        ValidationHandshake handshake = guard == null ? new ValidationHandshake(dataSource, clock, properties, CIPHER, meters)
                : new ValidationHandshake(dataSource, clock, properties, CIPHER, meters, guard);
        handshake.start();
        started.add(handshake);
        return handshake;
    }

    private static SubscriptionId insertSubscription(String endPoint) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("""
                     INSERT INTO subscription (consumer, created_by, end_point, resource_filter, secret, created_at, version, next_validation_at)
                     VALUES ('/org/ttd', '/org/ttd', ?, ?, ?, now(), 0, now())
                     RETURNING id
                     """)) {
            statement.setString(1, endPoint);
            statement.setString(2, RESOURCE);
            statement.setBytes(3, CIPHER.encrypt(SECRET));
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return new SubscriptionId(rows.getLong(1));
            }
        }
    }

    private record Row(Instant validatedAt, Long validatedTx, int attempts, Instant nextValidationAt, String lastError, long version) {
    }

    private static Row row(SubscriptionId id) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("""
                     SELECT validated_at, validated_tx, validation_attempts, next_validation_at, last_validation_error, version
                     FROM subscription WHERE id = ?
                     """)) {
            statement.setLong(1, id.value());
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return new Row(instant(rows, "validated_at"), rows.getObject("validated_tx", Long.class),
                        rows.getInt("validation_attempts"), instant(rows, "next_validation_at"),
                        rows.getString("last_validation_error"), rows.getLong("version"));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant instant(ResultSet rows, String column) throws SQLException {
        var timestamp = rows.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }

    /** What the endpoint answers to OPTIONS (the CloudEvents web hook validation request). */
    private static void stubOptions(String path, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder answer) {
        endpoint.stubFor(com.github.tomakehurst.wiremock.client.WireMock.request("OPTIONS", urlEqualTo(path)).willReturn(answer));
    }

    private static Integer allowedRate(SubscriptionId id) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT allowed_rate FROM subscription WHERE id = ?")) {
            statement.setLong(1, id.value());
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getObject(1, Integer.class);
            }
        }
    }

    private static long catalogVersion() throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT version FROM subscription_catalog WHERE id = 1")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
