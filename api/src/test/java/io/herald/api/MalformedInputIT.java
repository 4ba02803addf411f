package io.herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Every class of bad input gets a 4xx problem-details answer that says what is wrong; none gets a 5xx. */
class MalformedInputIT extends ApiTestSupport {

    private static final String EVENTS = "/events/api/v1/events";
    private static final String CE = "application/cloudevents+json";

    private String publisher;
    private String reader;

    @BeforeEach
    void tokens() {
        publisher = publisherToken();
        reader = agencyToken(TEST_AGENCY);
    }

    private static void assertProblem(Response response, int status, String code) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(response.json().get("status").asInt()).isEqualTo(status);
        assertThat(response.json().get("code").asString()).isEqualTo(code);
        assertThat(response.json().get("detail").asString()).isNotBlank();
    }

    private static String field(Response response) {
        return response.json().get("errors").get(0).get("field").asString();
    }

    static Stream<Arguments> badEvents() {
        return Stream.of(
                Arguments.of("specversion", "specversion", null),
                Arguments.of("id", "id", null),
                Arguments.of("source", "source", null),
                Arguments.of("type", "type", null),
                Arguments.of("resource", "resource", null),
                Arguments.of("source", "source", "http://exa mple/ bad"),
                Arguments.of("specversion", "specversion", "0.3"),
                Arguments.of("time", "time", "yesterday"),
                Arguments.of("resource", "resource", "not-absolute"),
                Arguments.of("Bad_Name", "Bad_Name", "value"));
    }

    @ParameterizedTest(name = "{0} = {2}")
    @MethodSource("badEvents")
    void shouldNameTheBadAttribute(String attribute, String field, String value) {
        ObjectNode event = cloudEvent(uniqueResource());
        if (value == null) {
            event.remove(attribute);
        } else {
            event.put(attribute, value);
        }

        Response response = post(EVENTS, CE, event.toString(), publisher);

        assertProblem(response, 400, "invalid-event");
        assertThat(field(response)).isEqualTo(field);
    }

    @Test
    void shouldRefuseTheNulCharacterWith400() {
        ObjectNode event = cloudEvent(uniqueResource());
        event.put("type", "app.\u0000created");

        Response response = post(EVENTS, CE, event.toString(), publisher);

        assertProblem(response, 400, "invalid-event");
        assertThat(field(response)).isEqualTo("type");
    }

    @Test
    void shouldRefuseMalformedJson() {
        Response response = post(EVENTS, CE, "{\"specversion\": \"1.0\",", publisher);

        assertProblem(response, 400, "malformed-json");
        assertThat(response.json().get("detail").asString()).contains("line 1");
    }

    @Test
    void shouldRefuseAnEmptyBody() {
        assertProblem(post(EVENTS, CE, "", publisher), 400, "malformed-json");
    }

    @Test
    void shouldRefuseARepeatedMemberName() {
        assertProblem(post(EVENTS, CE, "{\"id\":\"a\",\"id\":\"b\"}", publisher), 400, "malformed-json");
    }

    @Test
    void shouldRefuseAnArraySentAsASingleEvent() {
        assertProblem(post(EVENTS, CE, "[]", publisher), 400, "invalid-event");
    }

    @Test
    void shouldRefuseABatchThatIsNotAnArrayOrEmpty() {
        assertProblem(post(EVENTS, "application/cloudevents-batch+json", "{}", publisher), 400, "invalid-batch");
        assertProblem(post(EVENTS, "application/cloudevents-batch+json", "[]", publisher), 400, "invalid-batch");
    }

    @Test
    void shouldRefuseAnOversizeEventWith413() {
        ObjectNode event = cloudEvent(uniqueResource());
        event.put("data", "x".repeat(300 * 1024));

        Response response = post(EVENTS, CE, event.toString(), publisher);

        assertProblem(response, 413, "event-too-large");
    }

    @Test
    void shouldRefuseABatchOfTooManyEventsWith413() {
        String resource = uniqueResource();
        ArrayNode batch = JSON.createArrayNode();
        for (int i = 0; i < 101; i++) {
            batch.add(cloudEvent(resource));
        }

        Response response = post(EVENTS, "application/cloudevents-batch+json", batch.toString(), publisher);

        assertProblem(response, 413, "payload-too-large");
        assertThat(response.json().get("detail").asString()).contains("100");
    }

    @Test
    void shouldRefuseAnOversizeBodyWith413() {
        Response response = post(EVENTS, CE, "{\"data\":\"" + "x".repeat(1024 * 1024 + 10) + "\"}", publisher);

        assertProblem(response, 413, "payload-too-large");
    }

    /** Issue 6, limits: every body is bounded, also on the anonymous instance feed, whether its length is declared or not. */
    @Test
    void shouldBoundTheBodyOfEveryEndpointIncludingTheAnonymousInstanceFeed() {
        String instanceFeed = "/events/instanceeventsforinstance/" + java.util.UUID.randomUUID();
        String huge = "{\"storedAfter\":\"" + "x".repeat(1024 * 1024 + 10) + "\"}";

        assertProblem(post(instanceFeed, "application/json", huge, null), 413, "payload-too-large");
        assertProblem(post("/events/instanceeventsforparty", "application/json", huge, reader), 413, "payload-too-large");

        byte[] bytes = huge.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Response undeclared = send(java.net.http.HttpRequest.newBuilder(url(instanceFeed))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes))));
        assertProblem(undeclared, 413, "payload-too-large");
        assertThat(undeclared.json().get("detail").asString()).contains("at most 1048576 bytes");
    }

    @Test
    void shouldRefuseAnUnknownContentTypeWith415() {
        Response response = post(EVENTS, "text/plain", cloudEvent(uniqueResource()).toString(), publisher);

        assertThat(response.status()).isEqualTo(415);
        assertThat(response.header("Content-Type")).isEqualTo("application/problem+json");
    }

    @Test
    void shouldRefuseBadFeedParameters() {
        String feed = "/events/api/v1/events?resource=" + encode(uniqueResource());
        // size=0 and size=1001 are clamped, as the platform does (PlatformFeedParametersIT); a size that is no number is not
        assertProblem(get(feed + "&after=0&size=many", reader), 400, "invalid-parameter");
        Response badAfter = get(feed + "&after=yesterday", reader);
        assertProblem(badAfter, 400, "invalid-parameter");
        assertThat(field(badAfter)).isEqualTo("after");
        assertThat(field(get(feed + "&after=-5", reader))).isEqualTo("after");
        assertProblem(get(feed, reader), 400, "missing-parameter");
        assertProblem(get("/events/api/v1/events?after=0", reader), 400, "missing-parameter");
        assertThat(field(get("/events/api/v1/app/ttd/app?from=tomorrow", reader))).isEqualTo("from");
        assertThat(field(get("/events/api/v1/app/ttd/app?after=0&party=abc", reader))).isEqualTo("party");
        assertThat(field(get("/events/api/v1/app/party?after=0&unit=12", reader))).isEqualTo("unit");
        assertProblem(get("/events/api/v1/app/party?after=0", reader), 400, "missing-parameter");
        assertThat(field(get("/events/api/v1/app/party?after=0", reader, "Altinn-Party-SocialSecurityNumber", "123")))
                .isEqualTo("Altinn-Party-SocialSecurityNumber");
        assertThat(field(post("/events/instanceeventsforinstance/not-a-guid", "application/json", "{}", reader)))
                .isEqualTo("instanceId");
        assertProblem(post("/events/instanceeventsforparty", "application/json", "{\"appId\":\"ttd/app\"}", reader), 400, "invalid-body");
        assertProblem(post("/events/instanceeventsforparty", "application/json", "{oops", reader), 400, "malformed-body");
        assertThat(field(post("/events/instanceeventsforparty", "application/json",
                "{\"party\":{\"organisationNumber\":\"910011154\"},\"storedAfter\":\"soon\"}", reader))).isEqualTo("storedAfter");
    }

    @Test
    void shouldAcceptTheLargestPageSize() {
        Response response = get("/events/api/v1/events?after=0&size=1000&resource=" + encode(uniqueResource()), reader);

        assertThat(response.status()).isEqualTo(200);
    }

    @Test
    void shouldAnswerAnUnknownPathWith404ProblemDetails() {
        Response response = get("/events/api/v1/nothing-here", reader);

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.header("Content-Type")).isEqualTo("application/problem+json");
    }
}
