package io.herald.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A subscriber's view of its deliveries, through the running Herald against a real HTTP endpoint:
 * the attempts of a failing endpoint, the dead letters, their replay once the endpoint answers
 * again, and that nobody else sees or replays any of it.
 */
class DeliveryApiIT extends ApiTestSupport {

    private static final String HOOK = "/hooks/herald-deliveries";
    private static final String SUBSCRIPTIONS = "/events/api/v1/subscriptions";

    @Autowired
    private JdbcTemplate jdbc;

    private final WireMockServer endpoint = new WireMockServer(options().dynamicPort());
    private String resource;
    private String publisher;
    private String subscriber;
    private String stranger;

    @BeforeEach
    void start() {
        endpoint.start();
        // the handshake is answered, events are not
        endpoint.stubFor(WireMock.post(urlEqualTo(HOOK)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.type", equalTo("platform.events.validatesubscription")))
                .willReturn(aResponse().withStatus(200)));
        endpoint.stubFor(WireMock.post(urlEqualTo(HOOK)).atPriority(5).willReturn(aResponse().withStatus(500)));
        String org = newOrg();
        resource = "urn:altinn:resource:app_" + org + "_deliveries" + UUID.randomUUID().toString().substring(0, 8);
        publisher = token(PUBLISH);
        subscriber = tokenForAgency(org);
        stranger = tokenForAgency(newOrg());
    }

    @AfterEach
    void stop() {
        endpoint.stop();
    }

    @Test
    void shouldShowAttemptsAndDeadLettersAndReplayThem() {
        long id = createActiveSubscription();
        String base = SUBSCRIPTIONS + "/" + id;

        Response published = post("/events/api/v1/events", "application/cloudevents+json", cloudEvent(resource).toString(), publisher);
        assertThat(published.status()).as(published.body()).isEqualTo(200);
        String position = published.json().get("position").asString();

        await().atMost(Duration.ofSeconds(20)).until(() -> get(base + "/attempts", subscriber).json().size() >= 1);
        Response attempts = get(base + "/attempts?size=10", subscriber);
        assertThat(attempts.status()).as(attempts.body()).isEqualTo(200);
        JsonNode attempt = attempts.json().get(0);
        assertThat(attempt.get("status").asInt()).isEqualTo(500);
        assertThat(attempt.get("attempt").asInt()).isEqualTo(1);
        assertThat(attempt.get("outcome").asString()).isEqualTo("retry");
        long deliveryId = attempt.get("deliveryId").asLong();
        assertThat(attempts.header("next")).endsWith("after=" + attempts.json().get(attempts.json().size() - 1).get("id").asLong())
                .startsWith("http");
        assertThat(attempts.header("Link")).isEqualTo("<" + attempts.header("next") + ">; rel=\"next\"");

        Response pending = get(base + "/deliveries", subscriber);
        assertThat(pending.status()).as(pending.body()).isEqualTo(200);
        assertThat(pending.json().size()).isEqualTo(1);
        JsonNode delivery = pending.json().get(0);
        assertThat(delivery.get("id").asLong()).isEqualTo(deliveryId);
        assertThat(delivery.get("eventPosition").asString()).isEqualTo(position);
        assertThat(delivery.get("status").asString()).isEqualTo("pending");
        assertThat(delivery.get("lastStatus").asInt()).isEqualTo(500);

        // the retry schedule would take minutes to use up the attempts: make it a dead letter at once
        jdbc.update("UPDATE delivery SET status = 'dead', dead_lettered_at = now() WHERE subscription_id = ?", id);

        Response dead = get(base + "/deliveries?status=dead", subscriber);
        assertThat(dead.status()).as(dead.body()).isEqualTo(200);
        assertThat(ids(dead)).containsExactly(deliveryId);
        assertThat(dead.json().get(0).get("deadLettered").isNull()).isFalse();
        assertThat(dead.header("next")).contains("status=dead").endsWith("after=" + deliveryId);
        assertThat(ids(get(base + "/deliveries?status=dead&after=" + deliveryId, subscriber))).isEmpty();
        assertThat(ids(get(base + "/deliveries?status=delivered", subscriber))).isEmpty();

        endpoint.stubFor(WireMock.post(urlEqualTo(HOOK)).atPriority(5).willReturn(aResponse().withStatus(200)));
        Response replayed = post(base + "/deliveries/" + deliveryId + "/replay", "application/json", "", subscriber);
        assertThat(replayed.status()).as(replayed.body()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(20)).until(() -> ids(get(base + "/deliveries?status=delivered", subscriber))
                .contains(deliveryId));
        JsonNode done = get(base + "/deliveries", subscriber).json().get(0);
        assertThat(done.get("attempts").asInt()).isEqualTo(1);
        assertThat(done.get("delivered").isNull()).isFalse();
        assertThat(done.get("deadLettered").isNull()).isTrue();
        assertThat(get(base + "/attempts", subscriber).json().size()).isEqualTo(2);

        Response notDead = post(base + "/deliveries/" + deliveryId + "/replay", "application/json", "", subscriber);
        assertNotFound(notDead);
        Response none = post(base + "/dead-letters/replay", "application/json", "", subscriber);
        assertThat(none.status()).as(none.body()).isEqualTo(202);
        assertThat(none.json().get("replayed").asInt()).isZero();
    }

    @Test
    void shouldReplayAllDeadLettersOfTheSubscription() {
        long id = createActiveSubscription();
        String base = SUBSCRIPTIONS + "/" + id;
        for (int i = 0; i < 2; i++) {
            assertThat(post("/events/api/v1/events", "application/cloudevents+json", cloudEvent(resource).toString(), publisher)
                    .status()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM delivery WHERE subscription_id = ? AND attempts >= 1 AND last_status IS NOT NULL",
                Integer.class, id) == 2);
        jdbc.update("UPDATE delivery SET status = 'dead', dead_lettered_at = now() WHERE subscription_id = ?", id);

        Response page = get(base + "/deliveries?status=dead&size=1", subscriber);
        assertThat(ids(page)).hasSize(1);
        Response second = get(page.header("next"), subscriber);
        assertThat(ids(second)).hasSize(1).doesNotContainAnyElementsOf(ids(page));

        endpoint.stubFor(WireMock.post(urlEqualTo(HOOK)).atPriority(5).willReturn(aResponse().withStatus(200)));
        Response replayed = post(base + "/dead-letters/replay", "application/json", "", subscriber);
        assertThat(replayed.status()).as(replayed.body()).isEqualTo(202);
        assertThat(replayed.json().get("replayed").asInt()).isEqualTo(2);

        await().atMost(Duration.ofSeconds(20)).until(() -> ids(get(base + "/deliveries?status=delivered", subscriber)).size() == 2);
    }

    @Test
    void shouldAnswer404ToAnotherConsumerOnEveryEndpoint() {
        long id = createActiveSubscription();
        String base = SUBSCRIPTIONS + "/" + id;
        jdbc.update("""
                INSERT INTO delivery (subscription_id, event_tx, event_seq, event_stored_at, status, next_attempt_at, created_at,
                                      dead_lettered_at)
                VALUES (?, 1, 1, now(), 'dead', now(), now(), now())
                """, id);
        long deliveryId = jdbc.queryForObject("SELECT id FROM delivery WHERE subscription_id = ?", Long.class, id);

        assertNotFound(get(base + "/deliveries", stranger));
        assertNotFound(get(base + "/attempts", stranger));
        assertNotFound(post(base + "/deliveries/" + deliveryId + "/replay", "application/json", "", stranger));
        assertNotFound(post(base + "/dead-letters/replay", "application/json", "", stranger));
        assertThat(jdbc.queryForObject("SELECT status FROM delivery WHERE id = ?", String.class, deliveryId)).isEqualTo("dead");

        assertNotFound(get(SUBSCRIPTIONS + "/999999999/deliveries", subscriber));
        assertThat(ids(get(base + "/deliveries?status=dead", subscriber))).containsExactly(deliveryId);
    }

    @Test
    void shouldRefuseBadParameters() {
        long id = createActiveSubscription();
        String base = SUBSCRIPTIONS + "/" + id;

        assertInvalidParameter(get(base + "/deliveries?size=0", subscriber), "size");
        assertInvalidParameter(get(base + "/attempts?size=0", subscriber), "size");
        assertInvalidParameter(get(base + "/deliveries?size=1001", subscriber), "size");
        assertInvalidParameter(get(base + "/deliveries?status=lost", subscriber), "status");
        assertInvalidParameter(get(base + "/attempts?after=x", subscriber), "after");
        assertInvalidParameter(get(SUBSCRIPTIONS + "/abc/deliveries", subscriber), "id");
        assertInvalidParameter(post(base + "/deliveries/abc/replay", "application/json", "", subscriber), "deliveryId");
        assertThat(get(base + "/deliveries?size=1000", subscriber).status()).isEqualTo(200);
    }

    private long createActiveSubscription() {
        ObjectNode body = JSON.createObjectNode();
        body.put("endPoint", "http://127.0.0.1:" + endpoint.port() + HOOK);
        body.put("resourceFilter", resource);
        Response created = post(SUBSCRIPTIONS, "application/json", body.toString(), subscriber);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long id = created.json().get("id").asLong();
        await().atMost(Duration.ofSeconds(20)).until(() -> "active".equals(
                get(SUBSCRIPTIONS + "/" + id, subscriber).json().get("status").asString()));
        return id;
    }

    private static List<Long> ids(Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().valueStream().map(node -> node.get("id").asLong()).toList();
    }

    private static void assertNotFound(Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(404);
        assertThat(response.json().get("code").asString()).isEqualTo("not-found");
    }

    private static void assertInvalidParameter(Response response, String field) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.json().get("code").asString()).isEqualTo("invalid-parameter");
        assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo(field);
    }

    private String tokenForAgency(String org) {
        Response response = post("/local/token", "application/json",
                JSON.writeValueAsString(Map.of("org", org, "scopes", List.of(SUBSCRIBE))), null);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().get("access_token").asString();
    }

    private static String newOrg() {
        return "o" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }
}
