package io.herald.api.reliability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import com.github.tomakehurst.wiremock.WireMockServer;

import tools.jackson.databind.node.ObjectNode;

/**
 * What the reliability scenarios share: a webhook receiver (WireMock, answering every delivery
 * 200), Herald's settings for a fault test (short leases so that a dead instance's work is taken
 * over in seconds, not minutes), a subscription of one resource, and the checks after the fault.
 */
abstract class ReliabilityScenario {

    static final String HOOK = "/hook";
    static final String AGENCY = "ttd";

    protected final WireMockServer receiver = new WireMockServer(options().dynamicPort().containerThreads(32));
    protected final String resource = "urn:altinn:resource:app_ttd_" + UUID.randomUUID().toString().replace("-", "");

    @BeforeEach
    void startReceiver() {
        receiver.start();
        receiver.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(200)));
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop();
    }

    /** Herald's settings for a database: quick take-over of a dead instance's claims and log ranges. */
    static Map<String, String> settings(String jdbcUrl, String user) {
        Map<String, String> settings = new HashMap<>();
        settings.put("spring.datasource.url", jdbcUrl);
        settings.put("spring.datasource.username", user);
        settings.put("herald.dispatcher.connect-timeout", "1s");
        settings.put("herald.dispatcher.response-timeout", "2s");
        settings.put("herald.dispatcher.claim-lease", "5s");
        settings.put("herald.subscriptions.matcher.lease-duration", "3s");
        settings.put("herald.subscriptions.matcher.poll-interval", "50ms");
        settings.put("herald.subscriptions.validation.sweep-interval", "200ms");
        settings.put("herald.rate-limit.enabled", "false");
        return settings;
    }

    /** A validated subscription of {@link #resource} pushing to the receiver; returns its id. */
    long subscribe(HeraldProcess herald, String token) throws Exception {
        ObjectNode body = HeraldProcess.JSON.createObjectNode();
        body.put("endPoint", "http://127.0.0.1:" + receiver.port() + HOOK);
        body.put("resourceFilter", resource);
        HttpResponse<String> created = herald.post("/events/api/v1/subscriptions", "application/json", body.toString(), token);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        long id = HeraldProcess.JSON.readTree(created.body()).get("id").asLong();
        await().atMost(Duration.ofSeconds(30)).until(() ->
                herald.get("/events/api/v1/subscriptions/" + id, token).path("validated").asBoolean());
        return id;
    }

    /**
     * After the fault and the recovery: every acknowledged event is stored once, every event stored
     * is delivered to the receiver at least once, and no delivery stays claimed or waiting.
     */
    void assertNothingAcknowledgedIsLost(Outcomes outcomes, long subscription, PublishLoad load) throws Exception {
        outcomes.assertStoredOnce(resource, load.acknowledged());
        await("every stored event matched and delivered").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> outcomes.deliveries(subscription) == outcomes.storedCounts(resource).size()
                        && outcomes.undelivered(subscription) == 0);
        assertThat(Outcomes.received(receiver, HOOK)).as("acknowledged events the receiver got")
                .containsAll(load.acknowledged())
                .containsAll(outcomes.storedCounts(resource).keySet());
    }
}
