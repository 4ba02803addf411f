package io.herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Each request the HTTP fuzzer ({@link HttpApiFuzzIT}) found answered with a 5xx, kept as a named
 * test: every one is now a 4xx in the one error shape, logged in one line without a stack trace.
 */
@ExtendWith(OutputCaptureExtension.class)
class FuzzRegressionIT extends ApiTestSupport {

    private static final String FEED = "/events/api/v1/events?after=0&resource=urn:altinn:resource:app_ttd_fuzz";

    private String reader;

    @BeforeEach
    void token() {
        reader = agencyToken(TEST_AGENCY);
    }

    private static void assertProblem(Response response, int status) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.json().get("status").asInt()).isEqualTo(status);
    }

    private Response raw(String method, String target, String headers, String body) {
        return RawHttp.exchange(port, method + " " + target + " HTTP/1.1" + (headers.isEmpty() ? "" : "\r\n" + headers),
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    /** Seed 1766538767258205326: Spring's error page answered a direct request with status 999, a 500. */
    @Test
    void shouldAnswerADirectRequestForTheErrorPageWith404() {
        assertProblem(raw("GET", "/error?after=0", "Authorization: Bearer " + reader, null), 404);
        assertProblem(raw("POST", "/error", "Content-Type: application/json", "{}"), 404);
        assertThat(raw("HEAD", "/error", "", null).status()).isEqualTo(404);
    }

    /**
     * Seed -6196802967094724625 (after the fuzzer learned the portal's paths and the delivery list's order and
     * before): a blank Accept header made Spring Boot's Prometheus endpoint fail with a NullPointerException, a
     * 500. A blank Accept is an empty list of media ranges: no preference, as if absent.
     */
    @Test
    void shouldReadABlankAcceptHeaderAsNone() {
        Response metrics = raw("GET", "/actuator/prometheus", "Authorization: Bearer " + reader + "\r\nAccept: ", null);
        assertThat(metrics.status()).as(metrics.body()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_memory_used_bytes");
        Response feed = raw("GET", FEED, "Authorization: Bearer " + reader + "\r\nAccept:  ", null);
        assertThat(feed.status()).as(feed.body()).isEqualTo(200);
    }

    /** Seed -2888761715040353042: a wildcard Content-Type failed inside Spring's request wrapper. */
    @Test
    void shouldRefuseAWildcardContentTypeWith415() {
        assertProblem(raw("POST", "/events/api/v1/subscriptions", "Authorization: Bearer " + reader + "\r\nContent-Type: */*", "{}"), 415);
        assertProblem(raw("POST", "/events/api/v1/events", "Authorization: Bearer " + reader + "\r\nContent-Type: application/*", "{}"), 415);
        assertThat(raw("HEAD", "/actuator/prometheus", "Content-Type: */*", null).status()).isEqualTo(415);
    }

    /**
     * Seeds 6887209163920957485, 6924623411088748157: a publish whose Content-Type names an unknown charset
     * or is empty reached the publish path's 415 answer, which failed to read the type (500).
     */
    @Test
    void shouldRefuseAnUnreadableContentTypeOnPublishWith415() {
        for (String contentType : List.of("application/json; charset=nonsense", "application/json; charset=\"\"", "", ";")) {
            for (String path : List.of("/events/api/v1/events", "/events")) {
                Response response = raw("POST", path, "Authorization: Bearer " + reader + "\r\nContent-Type: " + contentType, "{}");
                assertThat(response.status()).as(path + " with Content-Type '" + contentType + "': " + response.body()).isBetween(400, 499);
                assertThat(response.header("Content-Type")).startsWith("application/problem+json");
            }
        }
    }

    /** Seed 5271818019978212481: Spring's form filter parsed a PUT's form body and failed on a bad escape. */
    @Test
    void shouldRefuseAFormBodyWithoutParsingIt() {
        Response response = raw("PUT", "/events/api/v1/subscriptions/37/resume",
                "Authorization: Bearer " + reader + "\r\nContent-Type: application/x-www-form-urlencoded", "a=%ZZ");

        assertThat(response.status()).as(response.body()).isBetween(400, 499);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    }

    /** Seed 3708661442043660046: a forwarded prefix that is no URL path failed when Spring parsed the path. */
    @Test
    void shouldNeverAnswerAMalformedForwardedPrefixWithA5xx() {
        Response response = raw("GET", FEED, "Authorization: Bearer " + reader + "\r\nX-Forwarded-Prefix: /%ZZ", null);

        assertThat(response.status()).as(response.body()).isLessThan(500);
        if (response.status() >= 400) {
            assertProblem(response, 400);
        }
    }

    /** Seed 4073798182881373271's family: a forwarded host with a space failed building the 401 challenge. */
    @Test
    void shouldNeverAnswerAMalformedForwardedHostWithA5xx(CapturedOutput output) {
        int before = output.getOut().length();

        Response response = raw("GET", FEED, "X-Forwarded-Host: a b", null);

        assertThat(response.status()).as(response.body()).isBetween(400, 499);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(output.getOut().substring(before)).doesNotContain("\tat ").doesNotContain(" ERROR ");
    }

    /** Tomcat's own error answer, dispatched to the error page with a malformed forwarded prefix, threw there. */
    @Test
    void shouldAnswerTomcatsOwnErrorsWithoutAStackTraceWhateverTheForwardedHeaders(CapturedOutput output) {
        int before = output.getOut().length();

        Response response = raw("TRACE", "/events", "X-Forwarded-Prefix: /%ZZ", null);

        assertThat(response.status()).as(response.body()).isBetween(400, 499);
        assertThat(output.getOut().substring(before)).doesNotContain("\tat ").doesNotContain(" ERROR ");
    }
}
