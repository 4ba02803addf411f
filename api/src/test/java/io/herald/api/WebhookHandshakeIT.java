package io.herald.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Push as receivers Herald did not write expect it: the platform's validation event names the
 * subscription in its {@code source}; a receiver written for the CloudEvents web hook spec, which
 * answers POST with 405 until it consented to {@code OPTIONS}, is validated that way and gets its
 * events, with the rate it allowed kept; a receiver that reads only {@code application/json}
 * gets that.
 */
class WebhookHandshakeIT extends ApiTestSupport {

    private static final String HOOK = "/hooks/receiver";
    private static final String SUBSCRIPTIONS = "/events/api/v1/subscriptions";

    private final WireMockServer receiver = new WireMockServer(options().dynamicPort());
    private final String resource = uniqueResource();

    @BeforeEach
    void start() {
        receiver.start();
    }

    @AfterEach
    void stop() {
        receiver.stop();
    }

    /** A receiver of the web hook spec: OPTIONS grants {@code allowedRate}, POST is 405 until then. */
    private void webHookSpecReceiver(String allowedRate) {
        receiver.stubFor(WireMock.post(urlEqualTo(HOOK)).inScenario("consent").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(405)));
        receiver.stubFor(WireMock.request("OPTIONS", urlEqualTo(HOOK)).inScenario("consent")
                .withHeader("WebHook-Request-Origin", equalTo("localhost"))
                .willReturn(aResponse().withStatus(200).withHeader("WebHook-Allowed-Origin", "localhost")
                        .withHeader("WebHook-Allowed-Rate", allowedRate).withHeader("Allow", "POST"))
                .willSetStateTo("allowed"));
        receiver.stubFor(WireMock.post(urlEqualTo(HOOK)).inScenario("consent").whenScenarioStateIs("allowed")
                .willReturn(aResponse().withStatus(200)));
    }

    @Test
    void shouldValidateAndDeliverToAReceiverThatImplementsOnlyTheWebHookHandshake() {
        webHookSpecReceiver("*");
        long id = subscribe(null);

        await().atMost(Duration.ofSeconds(20)).until(() -> subscription(id).get("validated").asBoolean());
        String eventId = publish();

        await().atMost(Duration.ofSeconds(20)).until(() -> !received(eventId).isEmpty());
        LoggedRequest delivery = received(eventId).get(0);
        assertThat(delivery.getHeader("Content-Type")).isEqualTo("application/cloudevents+json");
        assertThat(delivery.getHeader("WebHook-Request-Origin")).as("the spec asks it on every delivery").isEqualTo("localhost");
        assertThat(delivery.getHeader("webhook-signature")).startsWith("v1,");
        assertThat(subscription(id).get("status").asString()).isEqualTo("active");
        assertThat(subscription(id).has("allowedRate")).isFalse();
    }

    @Test
    void shouldNameTheSubscriptionInTheValidationEventsSourceAsThePlatformDoes() {
        receiver.stubFor(WireMock.post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(200)));
        long id = subscribe(null);

        await().atMost(Duration.ofSeconds(20)).until(() -> subscription(id).get("validated").asBoolean());

        receiver.verify(postRequestedFor(urlEqualTo(HOOK))
                .withRequestBody(matchingJsonPath("$.type", equalTo("platform.events.validatesubscription")))
                .withRequestBody(matchingJsonPath("$.source", equalTo("http://localhost:8080" + SUBSCRIPTIONS + "/" + id))));
    }

    @Test
    void shouldPushAsApplicationJsonWhenTheSubscriptionAsks() {
        receiver.stubFor(WireMock.post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(200)));
        long id = subscribe("application/json");
        assertThat(subscription(id).get("pushContentType").asString()).isEqualTo("application/json");

        await().atMost(Duration.ofSeconds(20)).until(() -> subscription(id).get("validated").asBoolean());
        String eventId = publish();

        await().atMost(Duration.ofSeconds(20)).until(() -> !received(eventId).isEmpty());
        // a charset's name is case-insensitive (RFC 9110 8.3.2); the HTTP stack may write it UTF-8
        assertThat(received(eventId).get(0).getHeader("Content-Type")).as("as the platform sends it")
                .isEqualToIgnoringCase("application/json; charset=utf-8");
        assertThat(receiver.findAll(postRequestedFor(urlEqualTo(HOOK))
                .withRequestBody(matchingJsonPath("$.type", equalTo("platform.events.validatesubscription")))))
                .extracting(request -> request.getHeader("Content-Type").toLowerCase(java.util.Locale.ROOT))
                .as("the validation event too").containsOnly("application/json; charset=utf-8");
    }

    @Test
    void shouldRefuseAPushContentTypeHeraldDoesNotSend() {
        ObjectNode body = body();
        body.put("pushContentType", "text/xml");

        Response refused = post(SUBSCRIPTIONS, "application/json", body.toString(), agencyToken(TEST_AGENCY));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("pushContentType");
    }

    /** The cap itself is per dispatcher instance (RateCapsTest); this run may hold several, so only the stored rate is checked here. */
    @Test
    void shouldKeepAndShowTheRateTheReceiverAllowed() {
        webHookSpecReceiver("1");
        long id = subscribe(null);

        await().atMost(Duration.ofSeconds(20)).until(() -> subscription(id).get("validated").asBoolean());

        assertThat(subscription(id).get("allowedRate").asInt()).isEqualTo(1);
        String event = publish();
        await().atMost(Duration.ofSeconds(20)).until(() -> !received(event).isEmpty());
    }

    private long subscribe(String pushContentType) {
        ObjectNode body = body();
        if (pushContentType != null) {
            body.put("pushContentType", pushContentType);
        }
        Response created = post(SUBSCRIPTIONS, "application/json", body.toString(), agencyToken(TEST_AGENCY));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").asLong();
    }

    private ObjectNode body() {
        ObjectNode body = JSON.createObjectNode();
        body.put("endPoint", "http://127.0.0.1:" + receiver.port() + HOOK);
        body.put("resourceFilter", resource);
        return body;
    }

    private JsonNode subscription(long id) {
        return get(SUBSCRIPTIONS + "/" + id, agencyToken(TEST_AGENCY)).json();
    }

    private String publish() {
        ObjectNode event = cloudEvent(resource);
        Response published = post("/events/api/v1/events", "application/cloudevents+json", event.toString(), publisherTokenFor(resource));
        assertThat(published.status()).as(published.body()).isEqualTo(200);
        return event.get("id").asString();
    }

    private List<LoggedRequest> received(String eventId) {
        return receiver.findAll(postRequestedFor(urlEqualTo(HOOK)).withRequestBody(matchingJsonPath("$.id", equalTo(eventId))));
    }
}
