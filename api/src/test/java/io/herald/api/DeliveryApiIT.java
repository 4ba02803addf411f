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
    private String subscriber;
    private String subscriberOrg;
    private String stranger;

    @BeforeEach
    void start() {
        endpoint.start();
        // the handshake is answered, events are not
        endpoint.stubFor(WireMock.post(urlEqualTo(HOOK)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.type", equalTo("platform.events.validatesubscription")))
                .willReturn(aResponse().withStatus(200)));
        endpoint.stubFor(WireMock.post(urlEqualTo(HOOK)).atPriority(5).willReturn(aResponse().withStatus(500)));
        subscriberOrg = newOrg();
        resource = "urn:altinn:resource:app_" + subscriberOrg + "_deliveries" + UUID.randomUUID().toString().substring(0, 8);
        subscriber = tokenForAgency(subscriberOrg);
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

        Response published = post("/events/api/v1/events", "application/cloudevents+json", cloudEvent(resource).toString(), publisherTokenFor(resource));
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
            assertThat(post("/events/api/v1/events", "application/cloudevents+json", cloudEvent(resource).toString(), publisherTokenFor(resource))
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

    /** The dead letters of a time range (when their deliveries were created) are replayed, and no others. */
    @Test
    void shouldReplayTheDeadLettersOfATimeRange() {
        long id = createActiveSubscription();
        String base = SUBSCRIPTIONS + "/" + id;
        for (int i = 0; i < 2; i++) {
            assertThat(post("/events/api/v1/events", "application/cloudevents+json", cloudEvent(resource).toString(), publisherTokenFor(resource))
                    .status()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM delivery WHERE subscription_id = ? AND attempts >= 1 AND last_status IS NOT NULL",
                Integer.class, id) == 2);
        jdbc.update("UPDATE delivery SET status = 'dead', dead_lettered_at = now() WHERE subscription_id = ?", id);
        List<Long> dead = ids(get(base + "/deliveries?status=dead", subscriber));
        // the first one matched two hours ago, during the receiver's outage
        jdbc.update("UPDATE delivery SET created_at = now() - interval '2 hours' WHERE id = ?", dead.get(0));
        String anHourAgo = java.time.Instant.now().minus(Duration.ofHours(1)).toString();
        String threeHoursAgo = java.time.Instant.now().minus(Duration.ofHours(3)).toString();
        endpoint.stubFor(WireMock.post(urlEqualTo(HOOK)).atPriority(5).willReturn(aResponse().withStatus(200)));

        Response outage = post(base + "/dead-letters/replay?from=" + threeHoursAgo + "&to=" + anHourAgo, "application/json", "", subscriber);
        assertThat(outage.status()).as(outage.body()).isEqualTo(202);
        assertThat(outage.json().get("replayed").asInt()).isEqualTo(1);
        assertThat(ids(get(base + "/deliveries?status=dead", subscriber))).containsExactly(dead.get(1));
        await().atMost(Duration.ofSeconds(20)).until(() -> ids(get(base + "/deliveries?status=delivered", subscriber))
                .equals(List.of(dead.get(0))));

        Response since = post(base + "/dead-letters/replay?from=" + anHourAgo, "application/json", "", subscriber);
        assertThat(since.json().get("replayed").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> ids(get(base + "/deliveries?status=delivered", subscriber)).size() == 2);

        assertInvalidParameter(post(base + "/dead-letters/replay?from=yesterday", "application/json", "", subscriber), "from");
        assertInvalidParameter(post(base + "/dead-letters/replay?from=" + anHourAgo + "&to=" + threeHoursAgo, "application/json", "",
                subscriber), "to");
        assertNotFound(post(base + "/dead-letters/replay?from=" + anHourAgo, "application/json", "", stranger));
    }

    /**
     * A range of the log replayed for one subscription: its events in the range are sent again (same
     * webhook-id), bounded per call with a cursor to go on from, and never an event from before
     * the subscription was validated.
     */
    @Test
    void shouldReplayARangeOfEventsForTheSubscription() {
        endpoint.stubFor(WireMock.post(urlEqualTo(HOOK)).atPriority(5).willReturn(aResponse().withStatus(200)));
        assertThat(post("/events/api/v1/events", "application/cloudevents+json", cloudEvent(resource).toString(), publisherTokenFor(resource))
                .status()).as("published before the subscription existed").isEqualTo(200);
        long id = createActiveSubscription();
        String base = SUBSCRIPTIONS + "/" + id;
        List<String> positions = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Response published = post("/events/api/v1/events", "application/cloudevents+json", cloudEvent(resource).toString(), publisherTokenFor(resource));
            assertThat(published.status()).as(published.body()).isEqualTo(200);
            positions.add(published.json().get("position").asString());
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> ids(get(base + "/deliveries?status=delivered", subscriber)).size() == 5);
        assertThat(eventRequests()).isEqualTo(5);

        Response fromStart = post(base + "/replay", "application/json", "{\"after\":\"0\",\"until\":\"" + positions.get(1) + "\"}",
                subscriber);
        assertThat(fromStart.status()).as(fromStart.body()).isEqualTo(202);
        assertThat(fromStart.json().get("examined").asInt()).as("the first two after validation, not the one before").isEqualTo(2);
        assertThat(fromStart.json().get("replayed").asInt()).isEqualTo(2);
        assertThat(fromStart.json().get("next").isNull()).isTrue();
        await().atMost(Duration.ofSeconds(20)).until(() -> eventRequests() == 7);

        // at most three events per call (herald.dispatcher.replay-max-events in the tests): go on from next
        Response first = post(base + "/replay", "application/json", "{\"after\":\"" + positions.get(0) + "\"}", subscriber);
        assertThat(first.status()).as(first.body()).isEqualTo(202);
        assertThat(first.json().get("examined").asInt()).isEqualTo(3);
        assertThat(first.json().get("next").asString()).isEqualTo(positions.get(3));
        Response rest = post(base + "/replay", "application/json", "{\"after\":\"" + first.json().get("next").asString() + "\"}",
                subscriber);
        assertThat(rest.json().get("examined").asInt()).isEqualTo(1);
        assertThat(rest.json().get("next").isNull()).isTrue();

        await().atMost(Duration.ofSeconds(20)).until(() -> eventRequests() == 11);
        assertThat(endpoint.findAll(WireMock.postRequestedFor(urlEqualTo(HOOK))
                        .withRequestBody(matchingJsonPath("$.resource", equalTo(resource)))
                        .withRequestBody(WireMock.notContaining("validatesubscription"))).stream()
                .map(request -> request.getHeader("webhook-id")).distinct().count())
                .as("replays keep each delivery's webhook-id").isEqualTo(5);
        await().atMost(Duration.ofSeconds(20)).until(() -> ids(get(base + "/deliveries?status=delivered", subscriber)).size() == 5);

        assertThat(post(base + "/replay", "application/json", "{\"after\":\"0\"}", stranger).status()).isEqualTo(404);
        assertThat(post(base + "/replay", "application/json", "{}", subscriber).status()).isEqualTo(400);
        assertThat(post(base + "/replay", "application/json", "{\"after\":\"0\",\"util\":\"5-1\"}", subscriber).status())
                .isEqualTo(400);
        assertThat(post(base + "/replay", "application/json", "{\"after\":\"" + positions.get(2) + "\",\"until\":\""
                + positions.get(1) + "\"}", subscriber).status()).isEqualTo(400);
        assertThat(post(base + "/replay", "application/json", "{\"from\":\"yesterday\"}", subscriber).status()).isEqualTo(400);
        assertThat(post(base + "/replay", "application/json", "[1]", subscriber).status()).isEqualTo(400);
    }

    private int eventRequests() {
        return endpoint.findAll(WireMock.postRequestedFor(urlEqualTo(HOOK))
                .withRequestBody(matchingJsonPath("$.resource", equalTo(resource)))
                .withRequestBody(WireMock.notContaining("validatesubscription"))).size();
    }

    /**
     * The endpoint health check runs on Quartz's clustered job store in the running Herald: a
     * subscription whose endpoint has failed for longer than allowed is disabled, with the
     * reason on it, and its owner finds the notice in its feed.
     */
    @Test
    void shouldDisableAnEndpointThatKeepsFailingAndTellTheOwnerInItsFeed() {
        long id = createActiveSubscription();
        assertThat(jdbc.queryForList("SELECT trigger_name FROM qrtz_triggers", String.class))
                .as("the cluster's jobs are in the database").contains("endpoint-health", "log-maintenance");

        jdbc.update("UPDATE subscription SET failing_since = now() - interval '6 days' WHERE id = ?", id);

        await().atMost(Duration.ofSeconds(30)).until(() -> "disabled".equals(
                get(SUBSCRIPTIONS + "/" + id, subscriber).json().get("status").asString()));
        assertThat(get(SUBSCRIPTIONS + "/" + id, subscriber).json().get("disabledReason").asString())
                .contains("failed every attempt since");
        String notices = "/events/api/v1/events?resource=urn:herald:subscriptions&subject=/org/" + subscriberOrg + "&after=0";
        await().atMost(Duration.ofSeconds(20)).until(() -> get(notices, subscriber).json().size() == 1);
        JsonNode notice = get(notices, subscriber).json().get(0);
        assertThat(notice.get("type").asString()).isEqualTo("platform.events.subscription.disabled");
        assertThat(notice.get("data").get("subscriptionId").asLong()).isEqualTo(id);

        Response resumed = post(SUBSCRIPTIONS + "/" + id + "/resume", "application/json", "", subscriber);
        assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
        assertThat(resumed.json().get("status").asString()).isEqualTo("active");
        assertThat(jdbc.queryForObject("SELECT failing_since FROM subscription WHERE id = ?", java.sql.Timestamp.class, id))
                .as("a resume starts the count afresh").isNull();
    }

    /** The newest first, as a page that shows the latest deliveries and attempts reads them, continued with before. */
    @Test
    void shouldListDeliveriesAndAttemptsNewestFirst() {
        long id = createActiveSubscription();
        String base = SUBSCRIPTIONS + "/" + id;
        for (int i = 0; i < 3; i++) {
            Response published = post("/events/api/v1/events", "application/cloudevents+json", cloudEvent(resource).toString(),
                    publisherTokenFor(resource));
            assertThat(published.status()).as(published.body()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> get(base + "/attempts", subscriber).json().size() >= 3);
        List<Long> oldestFirst = ids(get(base + "/deliveries", subscriber));
        assertThat(oldestFirst).hasSize(3);

        Response newest = get(base + "/deliveries?order=newest&size=2", subscriber);
        assertThat(ids(newest)).containsExactly(oldestFirst.get(2), oldestFirst.get(1));
        assertThat(newest.header("next")).contains("order=newest").endsWith("before=" + oldestFirst.get(1));
        assertThat(newest.header("Link")).isEqualTo("<" + newest.header("next") + ">; rel=\"next\"");
        Response older = get(newest.header("next"), subscriber);
        assertThat(ids(older)).containsExactly(oldestFirst.get(0));
        assertThat(older.header("next")).as("a page that is not full is the last").isNull();
        assertThat(ids(get(base + "/deliveries?order=newest&status=dead", subscriber))).isEmpty();
        assertThat(ids(get(base + "/deliveries?order=newest&status=pending&size=1", subscriber))).containsExactly(oldestFirst.get(2));

        List<Long> attemptsOldestFirst = ids(get(base + "/attempts", subscriber));
        Response newestAttempt = get(base + "/attempts?order=newest&size=1", subscriber);
        assertThat(ids(newestAttempt)).containsExactly(attemptsOldestFirst.get(attemptsOldestFirst.size() - 1));
        assertThat(ids(get(newestAttempt.header("next"), subscriber)))
                .containsExactly(attemptsOldestFirst.get(attemptsOldestFirst.size() - 2));
        assertThat(ids(get(base + "/attempts?order=oldest&size=1", subscriber))).containsExactly(attemptsOldestFirst.get(0));

        assertInvalidParameter(get(base + "/deliveries?before=5", subscriber), "before");
        assertInvalidParameter(get(base + "/attempts?order=newest&after=0", subscriber), "after");
        assertInvalidParameter(get(base + "/deliveries?order=sideways", subscriber), "order");
        assertInvalidParameter(get(base + "/attempts?order=newest&before=0", subscriber), "before");
        assertInvalidParameter(get(base + "/deliveries?order=newest&before=abc", subscriber), "before");
        assertNotFound(get(base + "/deliveries?order=newest", stranger));
        assertNotFound(get(base + "/attempts?order=newest", stranger));
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
