package io.herald.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.herald.subscriptions.WebhookSigner;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** "Send a test event": a signed platform.events.test CloudEvent, sent at once, with the endpoint's answer reported. */
class TestEventIT extends ApiTestSupport {

    private static final String HOOK = "/hooks/test";
    private final WireMockServer endpoint = new WireMockServer(options().dynamicPort());

    @BeforeEach
    void start() {
        endpoint.start();
        endpoint.stubFor(WireMock.post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(204)));
    }

    @AfterEach
    void stop() {
        endpoint.stop();
    }

    @Test
    void shouldSendASignedTestEventAndReportTheAnswer() {
        String owner = tokenWithOrg("testevents" + UUID.randomUUID().toString().substring(0, 6));
        JsonNode created = subscribe(owner);
        long id = created.get("id").asLong();

        Response response = post("/events/api/v1/subscriptions/" + id + "/test", "application/json", "", owner);

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().get("status").asInt()).isEqualTo(204);
        String webhookId = response.json().get("webhookId").asString();
        List<LoggedRequest> sent = endpoint.findAll(postRequestedFor(urlEqualTo(HOOK))
                .withRequestBody(matchingJsonPath("$.type", equalTo("platform.events.test"))));
        assertThat(sent).hasSize(1);
        LoggedRequest request = sent.get(0);
        assertThat(request.getHeader("webhook-id")).isEqualTo(webhookId);
        assertThat(request.getHeader("webhook-signature")).isEqualTo(new WebhookSigner().signature(webhookId,
                Long.parseLong(request.getHeader("webhook-timestamp")), request.getBody(), List.of(created.get("secret").asString())));
        assertThat(new String(request.getBody(), StandardCharsets.UTF_8)).contains("\"subscriptionId\":" + id);
    }

    /** Rotation: both secrets sign during the overlap, so a receiver that knows either one accepts the request. */
    @Test
    void shouldSignWithTheOldAndTheNewSecretAfterARotation() {
        String owner = tokenWithOrg("rotation" + UUID.randomUUID().toString().substring(0, 6));
        JsonNode created = subscribe(owner);
        long id = created.get("id").asLong();
        String oldSecret = created.get("secret").asString();

        Response rotated = post("/events/api/v1/subscriptions/" + id + "/rotate-secret", "application/json", "", owner);
        String newSecret = rotated.json().get("secret").asString();
        Response test = post("/events/api/v1/subscriptions/" + id + "/test", "application/json", "", owner);

        assertThat(rotated.status()).isEqualTo(200);
        assertThat(newSecret).startsWith("whsec_").isNotEqualTo(oldSecret);
        String webhookId = test.json().get("webhookId").asString();
        LoggedRequest request = endpoint.findAll(postRequestedFor(urlEqualTo(HOOK))
                .withRequestBody(matchingJsonPath("$.type", equalTo("platform.events.test")))).get(0);
        long timestamp = Long.parseLong(request.getHeader("webhook-timestamp"));
        WebhookSigner signer = new WebhookSigner();
        assertThat(request.getHeader("webhook-signature").split(" ")).containsExactly(
                signer.signature(webhookId, timestamp, request.getBody(), List.of(newSecret)),
                signer.signature(webhookId, timestamp, request.getBody(), List.of(oldSecret)));
        assertThat(post("/events/api/v1/subscriptions/" + id + "/rotate-secret", "application/json", "",
                tokenWithOrg("intruder" + UUID.randomUUID().toString().substring(0, 6))).status()).isEqualTo(404);
    }

    @Test
    void shouldAnswer404ForAnotherConsumersSubscription() {
        String owner = tokenWithOrg("testowner" + UUID.randomUUID().toString().substring(0, 6));
        long id = subscribe(owner).get("id").asLong();

        Response response = post("/events/api/v1/subscriptions/" + id + "/test", "application/json", "",
                tokenWithOrg("someoneelse" + UUID.randomUUID().toString().substring(0, 6)));

        assertThat(response.status()).isEqualTo(404);
        assertThat(endpoint.findAll(postRequestedFor(urlEqualTo(HOOK))
                .withRequestBody(matchingJsonPath("$.type", equalTo("platform.events.test"))))).isEmpty();
    }

    /** A subscription of this owner to the test endpoint, as created (secret included). */
    private JsonNode subscribe(String owner) {
        ObjectNode body = JSON.createObjectNode();
        body.put("endPoint", "http://127.0.0.1:" + endpoint.port() + HOOK);
        body.put("resourceFilter", "urn:altinn:resource:app_ttd_testevent");
        return post("/events/api/v1/subscriptions", "application/json", body.toString(), owner).json();
    }

    private String tokenWithOrg(String org) {
        Response response = post("/local/token", "application/json",
                JSON.writeValueAsString(Map.of("scopes", List.of(SUBSCRIBE, "altinn:events/ttd/testevent"), "org", org)), null);
        return response.json().get("access_token").asString();
    }
}
