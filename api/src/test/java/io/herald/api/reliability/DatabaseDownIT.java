package io.herald.api.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.herald.api.ApiClient;
import io.herald.api.HeraldApplication;
import io.herald.store.TestDatabases;
import tools.jackson.databind.JsonNode;

/**
 * While the database cannot be reached, Herald answers at once (within the pool's connection
 * timeout of 2 s, not its default 30 s) with 503 problem details, is not ready (liveness stays
 * up: restarting would not help), and recovers by itself when the database is back — with what
 * it acknowledged before still there. The database is cut by a proxy in front of this test's own
 * database, so the shared server is never touched.
 */
@SpringBootTest(classes = HeraldApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"herald.local-database.enabled=false", "herald.subscriptions.matcher.poll-interval=50ms"})
@ActiveProfiles("local")
class DatabaseDownIT extends ApiClient {

    /** Far below the pool's default connection timeout (30 s): an answer slower than this is the defect. */
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(ANSWER_WITHIN).build();
    private static TcpProxy database;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) throws IOException {
        String url = TestDatabases.recreate("herald_database_down_it");
        URI server = URI.create(url.substring("jdbc:".length()));
        database = new TcpProxy(server.getPort());
        registry.add("spring.datasource.url", () -> "jdbc:postgresql://127.0.0.1:" + database.port() + server.getPath());
        registry.add("spring.datasource.username", () -> TestDatabases.USER);
    }

    @AfterAll
    static void closeProxy() throws IOException {
        database.close();
    }

    private record Answer(int status, String contentType, String body) {
        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    private Answer timedSend(HttpRequest.Builder request) throws IOException, InterruptedException {
        try {
            HttpResponse<String> response = HTTP.send(request.timeout(ANSWER_WITHIN).build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body());
        } catch (HttpTimeoutException e) {
            throw new AssertionError("no answer within " + ANSWER_WITHIN + ": " + request.build().uri(), e);
        }
    }

    private Answer timedGet(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return timedSend(request);
    }

    private Answer timedPost(String path, String contentType, String body, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return timedSend(request);
    }

    private String token() throws IOException, InterruptedException {
        Answer answer = timedPost("/local/token", "application/json", JSON.writeValueAsString(Map.of("org", "ttd",
                "scopes", java.util.List.of("altinn:events.publish", "altinn:events.subscribe"))), null);
        assertThat(answer.status()).isEqualTo(200);
        return answer.json().get("access_token").asString();
    }

    private static String event(String resource) {
        return cloudEvent(resource).toString();
    }

    private void assertUnavailable(Answer answer) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(503);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.json().get("status").asInt()).isEqualTo(503);
    }

    @Test
    void shouldAnswer503AtOnceAndNotBeReadyWhileTheDatabaseIsDownThenRecoverByItself() throws Exception {
        String token = token();
        String resource = "urn:altinn:resource:app_ttd_" + java.util.UUID.randomUUID().toString().replace("-", "");
        String feed = "/events/api/v1/events?resource=" + resource + "&after=0";
        assertThat(timedPost("/events/api/v1/events", "application/cloudevents+json", event(resource), token).status()).isEqualTo(200);
        assertThat(timedGet("/actuator/health/readiness", null).status()).isEqualTo(200);

        database.cut();

        assertUnavailable(timedPost("/events/api/v1/events", "application/cloudevents+json", event(resource), token));
        assertUnavailable(timedGet(feed, token));
        assertUnavailable(timedGet("/events/api/v1/subscriptions", token));
        Answer readiness = timedGet("/actuator/health/readiness", null);
        assertThat(readiness.status()).isEqualTo(503);
        assertThat(readiness.json().get("status").asString()).isEqualTo("DOWN");
        assertThat(timedGet("/actuator/health", null).status()).isEqualTo(503);
        assertThat(timedGet("/actuator/health/liveness", null).status()).as("restarting would not bring the database back")
                .isEqualTo(200);

        database.restore();

        await().atMost(Duration.ofSeconds(30)).until(() -> timedGet("/actuator/health/readiness", null).status() == 200);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                timedPost("/events/api/v1/events", "application/cloudevents+json", event(resource), token).status() == 200);
        // the one acknowledged before, and the one after (readable once no earlier transaction is open)
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Answer events = timedGet(feed, token);
            return events.status() == 200 && events.json().size() == 2;
        });
    }
}
