package io.herald.subscriptions.access;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;

/** The XACML adapter against WireMock playing the platform's decision point. */
class XacmlDecisionPointTest {

    private static final String PDP = "/authorization/api/v1/authorize";
    private static final String RESOURCE = "urn:altinn:resource:app_skd_skattemelding";

    private final WireMockServer pdp = new WireMockServer(options().dynamicPort());
    private XacmlDecisionPoint decisionPoint;

    private static final Caller PROFESSIONAL = new Caller(null, null, "910011154", null, Set.of());
    private static final AccessRequest ABOUT_P = AccessRequest.read(PROFESSIONAL, "/party/50001", "/person/01017012345", RESOURCE);
    private static final AccessRequest ABOUT_Q = AccessRequest.read(PROFESSIONAL, "/party/50002", null, RESOURCE);
    private static final AccessRequest ABOUT_U = AccessRequest.read(PROFESSIONAL, null, "/org/910022222", RESOURCE);

    @BeforeEach
    void start() {
        pdp.start();
        decisionPoint = new XacmlDecisionPoint(new AuthorizationProperties.Xacml(
                URI.create("http://127.0.0.1:" + pdp.port() + PDP), Duration.ofSeconds(2), 200));
    }

    @AfterEach
    void stop() {
        pdp.stop();
    }

    private void answer(String body) {
        pdp.stubFor(WireMock.post(urlEqualTo(PDP)).willReturn(okJson(body)));
    }

    @Test
    void shouldAskForAWholeBatchInOneMultiRequestAndReadEachDecision() {
        answer("""
                {"Response":[{"Decision":"Permit"},{"Decision":"Deny"},{"Decision":"NotApplicable"}]}""");

        List<Decision> decisions = decisionPoint.decide(List.of(ABOUT_P, ABOUT_Q, ABOUT_U));

        assertThat(decisions).containsExactly(Decision.PERMIT, Decision.DENY, Decision.NOT_APPLICABLE);
        answer("{\"Response\":[{\"Decision\":\"Indeterminate\"},{\"Decision\":\"Permit\"},{\"Decision\":\"Deny\"}]}");
        assertThat(decisionPoint.decide(List.of(ABOUT_P, ABOUT_Q, ABOUT_U)))
                .containsExactly(Decision.INDETERMINATE, Decision.PERMIT, Decision.DENY);
        pdp.verify(2, postRequestedFor(urlEqualTo(PDP))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(matchingJsonPath("$.Request.MultiRequests.RequestReference[2].ReferenceId[2]", equalTo("r2")))
                .withRequestBody(matchingJsonPath("$.Request.AccessSubject[0].Attribute[0].AttributeId",
                        equalTo("urn:altinn:organization:identifier-no")))
                .withRequestBody(matchingJsonPath("$.Request.AccessSubject[0].Attribute[0].Value", equalTo("910011154")))
                .withRequestBody(matchingJsonPath("$.Request.Action[1].Attribute[0].Value", equalTo("read")))
                .withRequestBody(matchingJsonPath("$.Request.Resource[0].Attribute[?(@.AttributeId == 'urn:altinn:resource')].Value",
                        equalTo("app_skd_skattemelding")))
                .withRequestBody(matchingJsonPath("$.Request.Resource[0].Attribute[?(@.AttributeId == 'urn:altinn:partyid')].Value",
                        equalTo("50001")))
                .withRequestBody(matchingJsonPath(
                        "$.Request.Resource[2].Attribute[?(@.AttributeId == 'urn:altinn:organization:identifier-no')].Value",
                        equalTo("910022222"))));
    }

    @Test
    void shouldDenyWhenTheDecisionPointDoesNotAnswerInTime() {
        pdp.stubFor(WireMock.post(urlEqualTo(PDP)).willReturn(okJson("""
                {"Response":[{"Decision":"Permit"}]}""").withFixedDelay(6_000)));

        assertThat(decisionPoint.decide(List.of(ABOUT_P))).containsExactly(Decision.INDETERMINATE);
    }

    @Test
    void shouldDenyAMalformedAnswer() {
        for (String body : List.of("not json", "{}", "{\"Response\":{\"Decision\":\"Permit\"}}",
                "{\"Response\":[{\"Decision\":\"Permit\"}]}", "{\"Response\":[{\"Decision\":\"Permit\"},{\"Decision\":\"Maybe\"}]}",
                "{\"Response\":[{\"Decision\":\"Permit\"},{\"Decision\":1}]}")) {
            answer(body);

            List<Decision> decisions = decisionPoint.decide(List.of(ABOUT_P, ABOUT_Q));

            assertThat(decisions).as(body).noneMatch(Decision::permits);
        }
    }

    @Test
    void shouldDenyWhenTheDecisionPointFails() {
        pdp.stubFor(WireMock.post(urlEqualTo(PDP)).willReturn(aResponse().withStatus(500).withBody(
                "{\"Response\":[{\"Decision\":\"Permit\"}]}")));

        assertThat(decisionPoint.decide(List.of(ABOUT_P))).containsExactly(Decision.INDETERMINATE);
        pdp.stop();
        assertThat(decisionPoint.decide(List.of(ABOUT_P))).containsExactly(Decision.INDETERMINATE);
    }

    @Test
    void shouldSplitBatchesLargerThanTheMaximum() {
        var small = new XacmlDecisionPoint(new AuthorizationProperties.Xacml(
                URI.create("http://127.0.0.1:" + pdp.port() + PDP), Duration.ofSeconds(2), 2));
        answer("{\"Response\":[{\"Decision\":\"Permit\"},{\"Decision\":\"Permit\"}]}");

        // three requests: a batch of two, then one whose answer of two results is refused
        assertThat(small.decide(List.of(ABOUT_P, ABOUT_Q, ABOUT_U)))
                .containsExactly(Decision.PERMIT, Decision.PERMIT, Decision.INDETERMINATE);
        pdp.verify(2, postRequestedFor(urlEqualTo(PDP)));
    }
}
