package io.herald.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * Issue 6: a client over its rate gets 429 with {@code Retry-After}; other clients are not
 * affected. A long period keeps the allowance from refilling while the test runs.
 */
@TestPropertySource(properties = {
        "herald.rate-limit.limit-for-period=5",
        "herald.rate-limit.anonymous-limit-for-period=3",
        "herald.rate-limit.period=1h",
        // loopback is the proxy in front: its X-Forwarded-* headers are trusted (ForwardedHeadersIT: not by default)
        "server.tomcat.remoteip.internal-proxies=127\\.0\\.0\\.1",
        // Quartz's schedulers are JVM-wide by name: each application context in one JVM needs its own
        "spring.quartz.scheduler-name=herald-rate-limit-it"})
class RateLimitIT extends ApiTestSupport {

    private static final String INSTANCE_FEED = "/events/api/v1/instances/6b1c3ff9-4a2f-4a0e-9ef5-6c1b0d4b1a10/events";

    @Test
    void shouldAnswer429WithRetryAfterToTheClientOverItsRateOnly() {
        String busy = agencyToken("busy" + System.nanoTime());
        String quiet = agencyToken("quiet" + System.nanoTime());
        String feed = "/events/api/v1/events?after=0&resource=" + encode(uniqueResource());

        for (int i = 0; i < 5; i++) {
            assertThat(get(feed, busy).status()).as("request " + (i + 1)).isEqualTo(200);
        }
        Response limited = get(feed, busy);

        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(limited.json().get("code").asString()).isEqualTo("rate-limited");
        assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 3600L);
        assertThat(get(feed, quiet).status()).as("another client is not affected").isEqualTo(200);
        // a new token of the same caller is the same client
        assertThat(get(feed, identityToken(Map.of("org", limited.status() == 429 ? orgOf(busy) : "")))
                .status()).isEqualTo(429);
    }

    @Test
    void shouldLimitAnonymousCallersByAddress() {
        for (int i = 0; i < 3; i++) {
            assertThat(fromAddress("203.0.113.7").status()).isEqualTo(200);
        }
        Response limited = fromAddress("203.0.113.7");

        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("Retry-After")).isNotBlank();
        assertThat(fromAddress("203.0.113.8").status()).as("another address is not affected").isEqualTo(200);
    }

    @Test
    void shouldPointNextAndLinkAtTheHostATrustedProxyForwards() {
        String org = "proxied" + System.nanoTime();
        String resource = "urn:altinn:resource:app_" + org + "_feed";
        String feed = "/events/api/v1/events?after=0&resource=" + encode(resource);
        // a page with an event: an empty page carries no next links
        assertThat(post("/events/api/v1/events", "application/cloudevents+json", cloudEvent(resource).toString(),
                publisherTokenFor(resource)).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> get(feed, agencyToken(org)).body().contains(resource));

        Response response = get(feed, agencyToken(org),
                "X-Forwarded-Host", "events.example", "X-Forwarded-Proto", "https", "X-Forwarded-Port", "443");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("next")).startsWith("https://events.example/events/api/v1/events?");
        assertThat(response.header("Link")).startsWith("<https://events.example/events/api/v1/events?");
    }

    /** The address the trusted proxy in front reports. */
    private Response fromAddress(String address) {
        return send(HttpRequest.newBuilder(url(INSTANCE_FEED)).header("X-Forwarded-For", address).GET());
    }

    private static String orgOf(String token) {
        String payload = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]), java.nio.charset.StandardCharsets.UTF_8);
        return JSON.readTree(payload).get("org").asString();
    }
}
