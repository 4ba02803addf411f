package io.herald.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;

import io.herald.store.CosmosTestServer;
import io.herald.store.EventStore;
import io.herald.store.StoreProperties;
import io.herald.store.TestDatabases;
import io.herald.store.cosmos.CosmosEventStore;
import tools.jackson.databind.node.ObjectNode;

/**
 * Herald with {@code herald.store.type=cosmos}, end to end: an event published through the API is
 * stored in the local Cosmos DB-compatible server, reaches the matcher through the change feed
 * processor, becomes a delivery row in PostgreSQL and is pushed to the subscriber's webhook; the
 * pull feed serves it too.
 */
@org.springframework.boot.test.context.SpringBootTest(classes = HeraldApplication.class,
        webEnvironment = org.springframework.boot.test.context.SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "herald.local-database.enabled=false",
                "herald.subscriptions.validation.retry-delays=500ms,500ms,500ms,500ms,500ms,500ms,500ms,500ms,500ms,500ms",
                "herald.subscriptions.validation.sweep-interval=100ms",
                // Quartz's schedulers are JVM-wide by name: each application context in one JVM needs its own
                "spring.quartz.scheduler-name=herald-cosmos-it"})
@org.springframework.test.context.ActiveProfiles("local")
@org.springframework.test.annotation.DirtiesContext
class CosmosStoreIT extends ApiClient {

    private static final String HOOK = "/hooks/cosmos";

    @Autowired
    private JdbcTemplate jdbc;
    @Autowired
    private EventStore store;

    private final WireMockServer endpoint = new WireMockServer(options().dynamicPort());

    /** A database of its own: the other tests' application context (PostgreSQL store) must not see these deliveries. */
    private static final java.util.concurrent.atomic.AtomicReference<String> DATABASE = new java.util.concurrent.atomic.AtomicReference<>();

    @DynamicPropertySource
    static void cosmos(DynamicPropertyRegistry registry) {
        DATABASE.updateAndGet(current -> current != null ? current : TestDatabases.recreate("herald_api_cosmos_it"));
        registry.add("spring.datasource.url", DATABASE::get);
        registry.add("spring.datasource.username", () -> TestDatabases.USER);
        StoreProperties.Cosmos settings = CosmosTestServer.settings("api");
        registry.add("herald.store.type", () -> "cosmos");
        registry.add("herald.store.cosmos.endpoint", settings::endpoint);
        registry.add("herald.store.cosmos.key", settings::key);
        registry.add("herald.store.cosmos.database", settings::database);
        registry.add("herald.store.cosmos.gateway-mode", () -> "true");
    }

    @BeforeEach
    void start() {
        endpoint.start();
        endpoint.stubFor(WireMock.post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(200)));
    }

    @AfterEach
    void stop() {
        endpoint.stop();
    }

    @Test
    void shouldPushAnEventPublishedToCosmosDbToTheWebhookThroughTheChangeFeedProcessor() {
        assertThat(store).isInstanceOf(CosmosEventStore.class);
        assertThat(jdbc.queryForObject("SELECT current_database()", String.class)).endsWith("herald_api_cosmos_it");
        String resource = "urn:altinn:resource:app_ttd_cosmos" + UUID.randomUUID().toString().substring(0, 8);
        String subscriber = agencyToken("ttd"); // the resource is an app of ttd: its agency may read it
        ObjectNode subscription = JSON.createObjectNode();
        subscription.put("endPoint", "http://127.0.0.1:" + endpoint.port() + HOOK);
        subscription.put("resourceFilter", resource);
        Response created = post("/events/api/v1/subscriptions", "application/json", subscription.toString(), subscriber);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long id = created.json().get("id").asLong();
        await().atMost(Duration.ofSeconds(20)).until(() ->
                get("/events/api/v1/subscriptions/" + id, subscriber).json().get("status").asString().equals("active"));

        ObjectNode event = cloudEvent(resource);
        event.put("subject", "/party/50001");
        Response published = post("/events/api/v1/events", "application/cloudevents+json", event.toString(), publisherToken());
        assertThat(published.status()).as(published.body()).isEqualTo(200);
        String position = published.json().get("position").asString();

        String eventId = event.get("id").asString();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> endpoint.verify(postRequestedFor(urlEqualTo(HOOK))
                .withHeader("Content-Type", equalTo("application/cloudevents+json"))
                .withRequestBody(matchingJsonPath("$.id", equalTo(eventId)))));
        String[] parts = position.split("-");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM delivery WHERE subscription_id = ? AND event_tx = ? AND event_seq = ?",
                Integer.class, id, Long.parseLong(parts[0]), Long.parseLong(parts[1]))).isEqualTo(1);

        Response feed = get("/events/api/v1/events?resource=" + encode(resource) + "&after=0", subscriber);
        assertThat(feed.status()).as(feed.body()).isEqualTo(200);
        assertThat(feed.json().get(0).get("id").asString()).isEqualTo(eventId);

        // a range replay on Cosmos DB: the subscription's events are those stored since its validation
        Response replayed = post("/events/api/v1/subscriptions/" + id + "/replay", "application/json", "{\"after\":\"0\"}",
                subscriber);
        assertThat(replayed.status()).as(replayed.body()).isEqualTo(202);
        assertThat(replayed.json().get("replayed").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> endpoint.verify(2, postRequestedFor(urlEqualTo(HOOK))
                .withRequestBody(matchingJsonPath("$.id", equalTo(eventId)))));
    }

    /** A cursor from another log gets the same 400 as on PostgreSQL (ADR 0014), not an empty page for ever. */
    @Test
    void shouldRefuseACursorThisCosmosLogNeverIssued() {
        String resource = "urn:altinn:resource:app_ttd_cosmos" + UUID.randomUUID().toString().substring(0, 8);
        String reader = agencyToken("ttd");
        Response published = post("/events/api/v1/events", "application/cloudevents+json", cloudEvent(resource).toString(),
                publisherToken());
        assertThat(published.status()).as(published.body()).isEqualTo(200);

        Response foreign = get("/events/api/v1/events?after=999999999-1&resource=" + encode(resource), reader);

        assertThat(foreign.status()).as(foreign.body()).isEqualTo(400);
        assertThat(foreign.json().get("code").asString()).isEqualTo("unknown-cursor");
        assertThat(foreign.json().get("errors").get(0).get("field").asString()).isEqualTo("after");
        Response own = get("/events/api/v1/events?after=" + published.header("Herald-Position") + "&resource=" + encode(resource),
                reader);
        assertThat(own.status()).as("the publish answer's position is this log's own").isEqualTo(200);
    }
}
