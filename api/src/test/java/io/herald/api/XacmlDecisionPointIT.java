package io.herald.api;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;

/**
 * Herald configured for the platform ({@code herald.authorization.decision-point=xacml}): a
 * professional's party feed shows what WireMock, playing the decision point, permits, and nothing
 * when it denies. Decisions are not cached here, so each answer counts at once.
 */
class XacmlDecisionPointIT extends ApiTestSupport {

    private static final String PDP = "/authorization/api/v1/authorize";
    private static final WireMockServer DECISION_POINT = new WireMockServer(options().dynamicPort());

    @DynamicPropertySource
    static void decisionPoint(DynamicPropertyRegistry registry) {
        if (!DECISION_POINT.isRunning()) {
            DECISION_POINT.start();
        }
        registry.add("herald.authorization.decision-point", () -> "xacml");
        // Quartz's schedulers are JVM-wide by name: each application context in one JVM needs its own
        registry.add("spring.quartz.scheduler-name", () -> "herald-xacml-it");
        registry.add("herald.authorization.xacml.url", () -> "http://127.0.0.1:" + DECISION_POINT.port() + PDP);
        registry.add("herald.authorization.cache-lifetime", () -> "0s");
    }

    @AfterAll
    static void stop() {
        DECISION_POINT.stop();
    }

    @Test
    void shouldShowAProfessionalWhatTheDecisionPointPermitsOnly() {
        String party = String.valueOf(ThreadLocalRandom.current().nextLong(100_000_000L, 999_999_999L));
        String professional = String.valueOf(ThreadLocalRandom.current().nextLong(100_000_000L, 999_999_999L));
        var event = cloudEvent(uniqueResource());
        event.put("subject", "/party/" + party);
        Response published = post("/events/api/v1/events", "application/cloudevents+json", event.toString(), publisherToken());
        assertThat(published.status()).as(published.body()).isEqualTo(200);
        String feed = "/events/api/v1/app/party?after=0&party=" + party;
        String reader = identityToken(Map.of("orgNumber", professional));
        // the agency sees it without asking: it is in the log's readable part from then on
        await().atMost(Duration.ofSeconds(20)).until(() -> get(feed, agencyToken(TEST_AGENCY)).json().size() == 1);

        DECISION_POINT.stubFor(WireMock.post(urlEqualTo(PDP)).willReturn(okJson("{\"Response\":[{\"Decision\":\"Permit\"}]}")));
        assertThat(get(feed, reader).json().size()).as("permitted").isEqualTo(1);
        DECISION_POINT.verify(postRequestedFor(urlEqualTo(PDP))
                .withRequestBody(matchingJsonPath("$.Request.AccessSubject[0].Attribute[0].Value", equalTo(professional)))
                .withRequestBody(matchingJsonPath("$.Request.Resource[0].Attribute[?(@.AttributeId == 'urn:altinn:partyid')].Value",
                        equalTo(party))));

        DECISION_POINT.stubFor(WireMock.post(urlEqualTo(PDP)).willReturn(okJson("{\"Response\":[{\"Decision\":\"Deny\"}]}")));
        assertThat(get(feed, reader).json().size()).as("denied").isZero();

        DECISION_POINT.stubFor(WireMock.post(urlEqualTo(PDP)).willReturn(okJson("{\"Response\":[{\"Decision\":\"Permit\"}]}")
                .withFixedDelay(5_000)));
        Response slow = get(feed, reader);
        assertThat(slow.status()).isEqualTo(200);
        assertThat(slow.json().size()).as("no answer in time is a deny").isZero();
    }
}
