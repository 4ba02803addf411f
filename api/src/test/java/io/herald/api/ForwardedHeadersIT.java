package io.herald.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * Forwarded headers are not trusted by default: a client cannot pick the address the rate limit
 * keys on with {@code X-Forwarded-For}, nor the host that {@code next} and {@code Link} point at
 * with {@code X-Forwarded-Host} or {@code Forwarded}. (RateLimitIT shows them used once a proxy is
 * trusted.) A long period keeps the anonymous allowance of 20 from refilling while the test runs.
 */
@TestPropertySource(properties = {
        "herald.rate-limit.anonymous-limit-for-period=20",
        "herald.rate-limit.period=1h",
        "spring.quartz.scheduler-name=herald-forwarded-headers-it"})
class ForwardedHeadersIT extends ApiTestSupport {

    private static final String INSTANCE_FEED = "/events/api/v1/instances/0d9c6f0e-3c55-4a57-a4d4-2d8b1f7e9a01/events";

    @Test
    void shouldRateLimitAnonymousCallersByTheirRealAddressWhateverXForwardedForSays() {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            statuses.add(send(HttpRequest.newBuilder(url(INSTANCE_FEED)).header("X-Forwarded-For", "203.0.113." + (i + 1)).GET())
                    .status());
        }

        assertThat(statuses.subList(0, 20)).containsOnly(200);
        assertThat(statuses.subList(20, 40)).containsOnly(429);
    }

    @Test
    void shouldNotPointNextOrLinkAtAForwardedHost() {
        String resource = uniqueResource();
        String feed = "/events/api/v1/events?after=0&resource=" + encode(resource);
        // a page with an event: an empty page carries no next links
        assertThat(post("/events/api/v1/events", "application/cloudevents+json", cloudEvent(resource).toString(),
                publisherTokenFor(resource)).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> get(feed, agencyToken(TEST_AGENCY)).body().contains(resource));

        Response response = get(feed, agencyToken(TEST_AGENCY),
                "X-Forwarded-Host", "evil.example", "X-Forwarded-Proto", "https", "X-Forwarded-Port", "443",
                "Forwarded", "host=evil.example;proto=https");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("next")).startsWith("http://127.0.0.1:" + port + "/events/api/v1/events?");
        assertThat(response.header("Link")).startsWith("<http://127.0.0.1:" + port + "/events/api/v1/events?")
                .doesNotContain("evil.example");
    }
}
