package io.herald.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;

/**
 * An event is stored and served exactly as it was published: numbers keep their text
 * ({@code 1e999} was served as "Infinity", {@code 0.10000000000000000000000000001} as 0.1, {@code 1E2}
 * as 100.0 and {@code -0} as 0), in the feed and in the push alike.
 */
class ExactJsonIT extends ApiTestSupport {

    private static final String HOOK = "/hooks/exact";
    private static final String NUMBERS = "{\"huge\":1e999,\"precise\":0.10000000000000000000000000001,\"exponent\":1E2,"
            + "\"negativeZero\":-0,\"tiny\":-1.5e-400,\"plain\":42}";

    private final WireMockServer endpoint = new WireMockServer(options().dynamicPort());
    private String resource;

    @BeforeEach
    void start() {
        endpoint.start();
        endpoint.stubFor(WireMock.post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(204)));
        resource = uniqueResource();
    }

    @AfterEach
    void stop() {
        endpoint.stop();
    }

    private String event(String id) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"https://ttd.apps.example/ttd/app/instances/50001/" + id
                + "\",\"type\":\"app.instance.created\",\"resource\":\"" + resource + "\",\"count\":1E2,\"data\":" + NUMBERS + "}";
    }

    private String feed(String token) {
        Response page = get("/events/api/v1/events?resource=" + encode(resource) + "&after=0", token);
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        return page.body();
    }

    @Test
    void shouldServeEveryNumberInTheFeedAsItWasPublished() {
        String id = UUID.randomUUID().toString();

        Response published = post("/events/api/v1/events", "application/cloudevents+json", event(id), publisherTokenFor(resource));

        assertThat(published.status()).as(published.body()).isEqualTo(200);
        // readable once no transaction ordered before it is still open (docs/adr/0002-cursor.md)
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(feed(agencyToken(TEST_AGENCY))).contains(event(id)));
    }

    @Test
    void shouldServeTheNumbersOfBatchedEventsAsTheyWerePublished() {
        String first = UUID.randomUUID().toString();
        String second = UUID.randomUUID().toString();

        Response published = post("/events/api/v1/events", "application/cloudevents-batch+json",
                "[ " + event(first) + " ,\n " + event(second) + " ]", publisherTokenFor(resource));

        assertThat(published.status()).as(published.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(feed(agencyToken(TEST_AGENCY))).contains(event(first)).contains(event(second)));
    }

    @Test
    void shouldStoreWhitespaceFreeJsonButKeepTheNumberText() {
        String id = UUID.randomUUID().toString();
        String spaced = " \n" + event(id).replace("\",\"", "\" ,\n  \"").replace("\":", "\" : ").replace("{", "{ ") + "\n ";

        Response published = post("/events/api/v1/events", "application/cloudevents+json", spaced, publisherTokenFor(resource));

        assertThat(published.status()).as(published.body()).isEqualTo(200);
        // readable once no transaction ordered before it is still open (docs/adr/0002-cursor.md)
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(feed(agencyToken(TEST_AGENCY))).contains(event(id)));
    }

    @Test
    void shouldPushEveryNumberAsItWasPublished() {
        String subscriber = agencyToken(TEST_AGENCY);
        Response created = post("/events/api/v1/subscriptions", "application/json",
                "{\"endPoint\":\"http://127.0.0.1:" + endpoint.port() + HOOK + "\",\"resourceFilter\":\"" + resource + "\"}", subscriber);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long subscription = created.json().get("id").asLong();
        await().atMost(Duration.ofSeconds(20)).until(() -> get("/events/api/v1/subscriptions/" + subscription, subscriber)
                .json().get("status").asString().equals("active"));
        String id = UUID.randomUUID().toString();

        Response published = post("/events/api/v1/events", "application/cloudevents+json", event(id), publisherTokenFor(resource));

        assertThat(published.status()).as(published.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> endpoint.verify(postRequestedFor(urlEqualTo(HOOK))
                .withRequestBody(containing("\"id\":\"" + id + "\""))));
        assertThat(endpoint.findAll(postRequestedFor(urlEqualTo(HOOK)).withRequestBody(containing("\"id\":\"" + id + "\""))))
                .singleElement().satisfies(request -> assertThat(request.getBodyAsString()).isEqualTo(event(id)));
    }
}
