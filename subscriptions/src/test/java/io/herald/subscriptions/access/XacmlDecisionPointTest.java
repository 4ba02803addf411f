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

    /** A result as the platform's decision point writes it: the request's id echoed in its resource category. */
    private static String result(String decision, String requestId) {
        return """
                {"Decision":"%s","Category":[{"CategoryId":"urn:oasis:names:tc:xacml:3.0:attribute-category:resource",
                "Attribute":[{"AttributeId":"urn:herald:request-id","Value":"%s","IncludeInResult":true}]}]}"""
                .formatted(decision, requestId);
    }

    private static String response(String... results) {
        return "{\"Response\":[" + String.join(",", results) + "]}";
    }

    @Test
    void shouldAskForAWholeBatchInOneMultiRequestAndReadEachDecision() {
        answer(response(result("Permit", "r0"), result("Deny", "r1"), result("NotApplicable", "r2")));

        List<Decision> decisions = decisionPoint.decide(List.of(ABOUT_P, ABOUT_Q, ABOUT_U));

        assertThat(decisions).containsExactly(Decision.PERMIT, Decision.DENY, Decision.NOT_APPLICABLE);
        answer(response(result("Indeterminate", "r0"), result("Permit", "r1"), result("Deny", "r2")));
        assertThat(decisionPoint.decide(List.of(ABOUT_P, ABOUT_Q, ABOUT_U)))
                .containsExactly(Decision.INDETERMINATE, Decision.PERMIT, Decision.DENY);
        pdp.verify(2, postRequestedFor(urlEqualTo(PDP))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(matchingJsonPath("$.Request.MultiRequests.RequestReference[2].ReferenceId[2]", equalTo("r2")))
                .withRequestBody(matchingJsonPath("$.Request.AccessSubject[0].Attribute[0].AttributeId",
                        equalTo("urn:altinn:organization:identifier-no")))
                .withRequestBody(matchingJsonPath("$.Request.AccessSubject[0].Attribute[0].Value", equalTo("910011154")))
                .withRequestBody(matchingJsonPath("$.Request.Action[1].Attribute[0].Value", equalTo("read")))
                .withRequestBody(matchingJsonPath(
                        "$.Request.Resource[1].Attribute[?(@.AttributeId == 'urn:herald:request-id' && @.IncludeInResult == true)].Value",
                        equalTo("r1")))
                .withRequestBody(matchingJsonPath("$.Request.Resource[0].Attribute[?(@.AttributeId == 'urn:altinn:resource')].Value",
                        equalTo("app_skd_skattemelding")))
                .withRequestBody(matchingJsonPath("$.Request.Resource[0].Attribute[?(@.AttributeId == 'urn:altinn:partyid')].Value",
                        equalTo("50001")))
                .withRequestBody(matchingJsonPath(
                        "$.Request.Resource[2].Attribute[?(@.AttributeId == 'urn:altinn:organization:identifier-no')].Value",
                        equalTo("910022222"))));
    }

    /** The decision point may answer in any order: each result goes to the request it names. */
    @Test
    void shouldPairResultsWithRequestsByTheIdTheyCarryNotByPosition() {
        answer(response(result("Deny", "r2"), result("Permit", "r0"), result("NotApplicable", "r1")));

        assertThat(decisionPoint.decide(List.of(ABOUT_P, ABOUT_Q, ABOUT_U)))
                .containsExactly(Decision.PERMIT, Decision.NOT_APPLICABLE, Decision.DENY);

        answer(response(result("Permit", "r1")));
        assertThat(decisionPoint.decide(List.of(ABOUT_P, ABOUT_Q)))
                .as("a request without a result is not readable").containsExactly(Decision.INDETERMINATE, Decision.PERMIT);
    }

    /** A result that names no request, an unknown one, or one already answered: nothing in the answer is trusted. */
    @Test
    void shouldDenyEverythingWhenAResultCannotBePaired() {
        for (String body : List.of(
                response("{\"Decision\":\"Permit\"}", "{\"Decision\":\"Permit\"}"),
                response(result("Permit", "r0"), "{\"Decision\":\"Permit\"}"),
                response(result("Permit", "r0"), result("Permit", "r7")),
                response(result("Permit", "r1"), result("Permit", "r1")),
                response(result("Permit", "r0"), result("Permit", "x1")))) {
            answer(body);

            assertThat(decisionPoint.decide(List.of(ABOUT_P, ABOUT_Q))).as(body).noneMatch(Decision::permits);
        }
    }

    /** One request and one result that names none: nothing it could be confused with. */
    @Test
    void shouldTakeASingleResultWithoutAnIdForASingleRequest() {
        answer("{\"Response\":[{\"Decision\":\"Permit\"}]}");

        assertThat(decisionPoint.decide(List.of(ABOUT_P))).containsExactly(Decision.PERMIT);
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
        answer(response(result("Permit", "r0"), result("Permit", "r1")));

        // three requests: a batch of two, then one whose answer of two results is refused
        assertThat(small.decide(List.of(ABOUT_P, ABOUT_Q, ABOUT_U)))
                .containsExactly(Decision.PERMIT, Decision.PERMIT, Decision.INDETERMINATE);
        pdp.verify(2, postRequestedFor(urlEqualTo(PDP)));
    }
}
