package io.herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecurityIT extends ApiTestSupport {

    private static final String FEED = "/events/api/v1/events?after=0&resource=urn:altinn:resource:app_ttd_app";

    @Test
    void shouldAnswer401WithAChallengeAndProblemDetailsWithoutAToken() {
        Response response = get(FEED, null);

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(response.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(response.json().get("code").asString()).isEqualTo("unauthorized");
    }

    @Test
    void shouldAnswer401ToAForgedToken() {
        String token = token(SUBSCRIBE);
        String forged = token.substring(0, token.lastIndexOf('.') + 1) + "c2lnbmF0dXJl";

        assertThat(get(FEED, forged).status()).isEqualTo(401);
        assertThat(get(FEED, "not-a-jwt").status()).isEqualTo(401);
    }

    @Test
    void shouldAnswer403WhenTheTokenLacksTheScope() {
        String publishOnly = publisherToken();
        String subscribeOnly = token(SUBSCRIBE);

        Response read = get(FEED, publishOnly);
        assertThat(read.status()).isEqualTo(403);
        assertThat(read.header("WWW-Authenticate")).contains("insufficient_scope");
        assertThat(read.json().get("code").asString()).isEqualTo("forbidden");
        assertThat(post("/events/api/v1/events", "application/cloudevents+json",
                cloudEvent(uniqueResource()).toString(), subscribeOnly).status()).isEqualTo(403);
        assertThat(post("/events", "application/json", cloudEvent(uniqueResource()).toString(), token()).status()).isEqualTo(403);
        assertThat(post("/events/instanceeventsforparty", "application/json", "{}", publishOnly).status()).isEqualTo(403);
    }

    @Test
    void shouldLetTheRightScopeThrough() {
        assertThat(get(FEED, token(SUBSCRIBE)).status()).isEqualTo(200);
        assertThat(post("/events/api/v1/events", "application/cloudevents+json",
                cloudEvent(uniqueResource()).toString(), publisherToken()).status()).isEqualTo(200);
    }

    @Test
    void shouldKeepHealthOpenForProbes() {
        Response health = get("/actuator/health/readiness", null);

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body()).contains("UP");
    }
}
