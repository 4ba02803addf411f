package io.herald.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Bad input that fails below the controllers — in Tomcat's parameter parsing, its request-line
 * limits, the security firewall, the response headers or the database — gets a 4xx in the one
 * error shape and one log line without a stack trace, never a 5xx. Sent over a raw socket where
 * an HTTP client would refuse or normalise the request.
 */
@ExtendWith(OutputCaptureExtension.class)
class HostileInputIT extends ApiTestSupport {

    private static final String FEED = "/events/api/v1/events?after=0&resource=urn:altinn:resource:app_ttd_hostile";

    private String reader;

    @BeforeEach
    void token() {
        reader = agencyToken(TEST_AGENCY);
    }

    private static void assertProblem(Response response, int status, String code) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.json().get("status").asInt()).isEqualTo(status);
        assertThat(response.json().get("code").asString()).isEqualTo(code);
        assertThat(response.json().get("detail").asString()).isNotBlank();
    }

    private Response raw(String target) {
        return RawHttp.get(port, target, reader);
    }

    private Response rawPost(String path, String contentType, String body) {
        return RawHttp.exchange(port, "POST " + path + " HTTP/1.1\r\nAuthorization: Bearer " + reader
                + "\r\nContent-Type: " + contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"multipart/form-data", "multipart/form-data; boundary=x", "multipart/mixed",
            "application/x-www-form-urlencoded", "text/plain", "application/xml"})
    void shouldRefuseASubscriptionInAnUnsupportedContentTypeWith415(String contentType) {
        assertProblem(rawPost("/events/api/v1/subscriptions", contentType, "--x\r\ngarbage"), 415, "unsupported-media-type");
    }

    @Test
    void shouldRefuseAMultipartBodyOnEveryEndpointWith415() {
        for (String path : new String[] {"/events/api/v1/events", "/events/api/v1/app", "/events", "/events/instanceeventsforparty",
                "/events/api/v1/authorization/delegations"}) {
            assertThat(rawPost(path, "multipart/form-data", "garbage").status()).as(path).isIn(403, 415);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"resource=%ZZ", "after=%", "x=%C0%AF", "x=%E2%82", "x=%", "%ZZ=1", "x=%G1", "x=%%41"})
    void shouldRefuseAMalformedPercentEscapeWith400(String parameter) {
        Response response = raw(FEED + "&" + parameter);

        assertProblem(response, 400, "malformed-query");
    }

    @Test
    void shouldRefuseAMalformedEscapeInTheBodyOfAFormPostWith400() {
        Response response = rawPost("/events/instanceeventsforinstance/" + java.util.UUID.randomUUID(),
                "application/x-www-form-urlencoded", "after=%ZZ");

        assertThat(response.status()).as(response.body()).isBetween(400, 499);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"%00", "x%00y", "%01", "%1F", "%7F", "%C2%85", "%0D%0A", "%09"})
    void shouldRefuseAControlCharacterInAQueryParameterWith400(String escaped) {
        Response response = raw(FEED.replace("hostile", "hostile" + escaped));

        assertProblem(response, 400, "malformed-query");
        assertThat(response.json().get("detail").asString()).contains("control character");
    }

    /** NUL reached PostgreSQL from a query parameter (a 503); from a JSON body it must not either. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "/events/api/v1/subscriptions|{\"endPoint\":\"http://127.0.0.1:9/h\",\"resourceFilter\":\"urn:altinn:resource:app_ttd_x\",\"subjectFilter\":\"/party/1\\u0000\"}",
            "/events/api/v1/subscriptions|{\"endPoint\":\"http://127.0.0.1:9/h\\u0000\",\"resourceFilter\":\"urn:altinn:resource:app_ttd_x\"}",
            "/events/instanceeventsforparty|{\"appId\":\"ttd/x\\u0000\",\"party\":{\"organisationNumber\":\"910011154\"}}",
            "/events/api/v1/app|{\"source\":\"https://x.example/ttd/x/instances/1/0d7e0f43-2a3b-4b5f-9f06-0b1b7a3c8f11\",\"type\":\"a\\u0000\"}"})
    void shouldRefuseTheNulCharacterInABodyWithA4xx(String pathAndBody) {
        String[] parts = pathAndBody.split("\\|", 2);
        String token = identityToken(java.util.Map.of("org", TEST_AGENCY), "altinn:events.publish", "altinn:events.subscribe");

        Response response = RawHttp.exchange(port, "POST " + parts[0] + " HTTP/1.1\r\nAuthorization: Bearer " + token
                + "\r\nContent-Type: application/json", parts[1].getBytes(StandardCharsets.UTF_8));

        assertThat(response.status()).as(response.body()).isBetween(400, 499);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    }

    @Test
    void shouldRefuseAQueryLongerThanTheLimitWith414() {
        Response response = raw(FEED + "&x=" + "a".repeat(4000));

        assertProblem(response, 414, "uri-too-long");
        assertThat(response.json().get("detail").asString()).contains("2048");
    }

    @ParameterizedTest(name = "{0} characters")
    @ValueSource(ints = {10_000, 70_000})
    void shouldRefuseARequestLineLargerThanTheServerReadsWithAProblem(int length) {
        Response response = raw(FEED + "&x=" + "a".repeat(length));

        assertThat(response.status()).as(response.body()).isBetween(400, 499);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.json().get("code").asString()).isEqualTo("malformed-request");
    }

    /** The longest query accepted still fits twice (next and Link) in the response headers. */
    @Test
    void shouldAnswerTheLongestAcceptedQueryWithItsNextLinks() {
        // a page with an event: an empty page carries no next links
        String resource = "urn:altinn:resource:app_ttd_hostile";
        assertThat(post("/events/api/v1/events", "application/cloudevents+json", cloudEvent(resource).toString(),
                publisherTokenFor(resource)).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> get(FEED, reader).body().contains(resource));
        String query = FEED + "&x=";
        Response response = raw(query + "a".repeat(2048 - (query.length() - query.indexOf('?') - 1)));

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.header("next")).contains("aaaa");
        assertThat(response.header("Link")).endsWith("; rel=\"next\"");
    }

    @Test
    void shouldRefuseANextLinkTooLongForTheResponseHeadersWith414() {
        Response response = RawHttp.exchange(port, "GET " + FEED + "&x=" + "a".repeat(2000) + " HTTP/1.1\r\nHost: "
                + "h".repeat(2500) + ":" + port + "\r\nAuthorization: Bearer " + reader, null);

        assertProblem(response, 414, "uri-too-long");
    }

    @Test
    void shouldRefuseAPathTheFirewallRejectsWithAProblem() {
        assertProblem(raw("/events/api/v1/events;jsessionid=1?after=0&resource=x"), 400, "malformed-request");
        assertProblem(raw("/events/api/v1/%2e%2e/events?after=0&resource=x"), 400, "malformed-request");
    }

    @Test
    void shouldRefuseAPathTomcatCannotDecodeWithAProblem() {
        Response response = raw("/events/api/v1/subscriptions/%ZZ");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    }

    @Test
    void shouldLogOneLineWithoutAStackTraceForEachRefusal(CapturedOutput output) {
        int before = output.getOut().length();

        raw(FEED + "&resource=%ZZ");
        raw(FEED + "&x=" + "a".repeat(4000));
        raw(FEED.replace("hostile", "hostile%00"));
        rawPost("/events/api/v1/subscriptions", "multipart/form-data", "garbage");

        String logged = output.getOut().substring(before);
        assertThat(logged.lines().filter(line -> line.contains("Answered 400 malformed-query"))).hasSize(2);
        assertThat(logged.lines().filter(line -> line.contains("Answered 414 uri-too-long"))).hasSize(1);
        assertThat(logged.lines().filter(line -> line.contains("Answered 415 unsupported-media-type"))).hasSize(1);
        assertThat(logged).doesNotContain("\tat ").doesNotContain("ERROR");
    }
}
