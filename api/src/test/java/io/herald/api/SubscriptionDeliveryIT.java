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
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;

import io.herald.subscriptions.SubscriptionFilter;
import io.herald.subscriptions.TestSubscriptions;
import tools.jackson.databind.node.ObjectNode;

/**
 * From the subscription API to delivery rows, through the running Herald: the handshake (against a
 * real HTTP endpoint) gates delivery, and pause, resume and delete take effect for the next event.
 * A second, validated "marker" subscription on the same resource shows when the matcher has passed
 * an event, so the absence of a delivery is checked only once it could have been written.
 */
class SubscriptionDeliveryIT extends ApiTestSupport {

    private static final String HOOK = "/hooks/herald";

    @Autowired
    private JdbcTemplate jdbc;
    @Autowired
    private PlatformTransactionManager transactionManager;

    private final WireMockServer endpoint = new WireMockServer(options().dynamicPort());
    private String resource;
    private String publisher;
    private String subscriber;
    private long marker;

    @BeforeEach
    void start() {
        endpoint.start();
        endpoint.stubFor(WireMock.post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(503)));
        resource = "urn:altinn:resource:app_ttd_delivery" + UUID.randomUUID().toString().substring(0, 8);
        publisher = publisherToken();
        subscriber = agencyToken(TEST_AGENCY);
        marker = new TestSubscriptions(jdbc, new TransactionTemplate(transactionManager))
                .createValidated(new SubscriptionFilter(resource, null, null, null, null, false));
    }

    @AfterEach
    void stop() {
        endpoint.stop();
    }

    /** Publishes an event to the resource and waits until the matcher has passed it; returns its position. */
    private String publishAndAwaitMatching() {
        ObjectNode event = cloudEvent(resource);
        Response response = post("/events/api/v1/events", "application/cloudevents+json", event.toString(), publisher);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        String position = response.json().get("position").asString();
        await().atMost(Duration.ofSeconds(20)).until(() -> delivered(marker, position));
        return position;
    }

    private boolean delivered(long subscription, String position) {
        String[] parts = position.split("-");
        return jdbc.queryForObject("SELECT count(*) FROM delivery WHERE subscription_id = ? AND event_tx = ? AND event_seq = ?",
                Integer.class, subscription, Long.parseLong(parts[0]), Long.parseLong(parts[1])) == 1;
    }

    private String status(long id) {
        return get("/events/api/v1/subscriptions/" + id, subscriber).json().get("status").asString();
    }

    @Test
    void shouldDeliverOnlyAfterTheHandshakeAndStopAtPauseAndDelete() {
        ObjectNode body = JSON.createObjectNode();
        body.put("endPoint", "http://127.0.0.1:" + endpoint.port() + HOOK);
        body.put("resourceFilter", resource);
        Response created = post("/events/api/v1/subscriptions", "application/json", body.toString(), subscriber);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long id = created.json().get("id").asLong();

        await().atMost(Duration.ofSeconds(20)).until(() -> endpoint.countRequestsMatching(
                postRequestedFor(urlEqualTo(HOOK)).build()).getCount() > 0);
        String whilePending = publishAndAwaitMatching();
        assertThat(delivered(id, whilePending)).as("no delivery before the handshake succeeds").isFalse();
        assertThat(status(id)).isEqualTo("pending-validation");

        endpoint.stubFor(WireMock.post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(200)));
        await().atMost(Duration.ofSeconds(20)).until(() -> status(id).equals("active"));
        endpoint.verify(postRequestedFor(urlEqualTo(HOOK))
                .withHeader("Content-Type", equalTo("application/cloudevents+json"))
                .withRequestBody(matchingJsonPath("$.type", equalTo("platform.events.validatesubscription"))));
        String afterValidation = publishAndAwaitMatching();
        assertThat(delivered(id, afterValidation)).isTrue();
        String[] at = afterValidation.split("-");
        await().atMost(Duration.ofSeconds(20)).until(() -> "delivered".equals(jdbc.queryForObject(
                "SELECT status FROM delivery WHERE subscription_id = ? AND event_tx = ? AND event_seq = ?", String.class,
                id, Long.parseLong(at[0]), Long.parseLong(at[1]))));
        assertThat(jdbc.queryForObject("SELECT claim IS NULL FROM delivery WHERE subscription_id = ? AND event_tx = ? AND event_seq = ?",
                Boolean.class, id, Long.parseLong(at[0]), Long.parseLong(at[1])))
                .as("the matcher handed it to this instance's dispatcher: sent without a claim").isTrue();
        assertThat(delivered(id, whilePending)).as("events before validation are never delivered").isFalse();

        assertThat(post("/events/api/v1/subscriptions/" + id + "/pause", "application/json", "", subscriber).status()).isEqualTo(200);
        String whilePaused = publishAndAwaitMatching();
        assertThat(delivered(id, whilePaused)).as("paused: the next event is not delivered").isFalse();

        assertThat(post("/events/api/v1/subscriptions/" + id + "/resume", "application/json", "", subscriber).status()).isEqualTo(200);
        String afterResume = publishAndAwaitMatching();
        assertThat(delivered(id, afterResume)).isTrue();

        var deleted = send(java.net.http.HttpRequest.newBuilder(url("/events/api/v1/subscriptions/" + id))
                .header("Authorization", "Bearer " + subscriber).DELETE());
        assertThat(deleted.status()).isEqualTo(200);
        publishAndAwaitMatching();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM delivery WHERE subscription_id = ?", Integer.class, id))
                .as("deleted: nothing is written for it any more").isZero();
    }

    @Test
    void shouldNotMatchAnotherResourcesEvents() {
        long other = new TestSubscriptions(jdbc, new TransactionTemplate(transactionManager))
                .createValidated(new SubscriptionFilter(resource + "_other", null, null, null, null, false));

        String position = publishAndAwaitMatching();

        assertThat(delivered(other, position)).isFalse();
    }
}
