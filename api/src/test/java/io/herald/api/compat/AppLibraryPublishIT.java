package io.herald.api.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.herald.api.ApiTestSupport;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * The platform's app library ({@code Altinn.App.Core} {@code EventsClient.AddEvent}) publishing to
 * Herald: the request exactly as it sends it (its {@code CloudEvent} model serialised by
 * System.Text.Json with default settings, so every member is present and unset ones are
 * {@code null}; {@code Content-Type: application/json; charset=utf-8}; its extra headers), and the
 * answer it reads (201, {@code Location}, the id as a JSON string).
 */
class AppLibraryPublishIT extends ApiTestSupport {

    private String app;
    private String publisher;

    @BeforeEach
    void names() {
        app = "compat" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        publisher = publisherToken();
    }

    /** What {@code JsonSerializer.Serialize(cloudEvent)} writes for the event {@code AddEvent} builds. */
    private String appLibraryRequest(String party, String instanceGuid, String time, String alternativeSubject) {
        return "{\"id\":null,"
                + "\"source\":\"https://ttd.apps.tt02.altinn.no/ttd/" + app + "/instances/" + party + "/" + instanceGuid + "\","
                + "\"specversion\":\"1.0\","
                + "\"type\":\"app.instance.created\","
                + "\"subject\":\"/party/" + party + "\","
                + "\"time\":\"" + time + "\","
                + "\"alternativesubject\":" + (alternativeSubject == null ? "null" : "\"" + alternativeSubject + "\"") + ","
                + "\"data\":null,"
                + "\"dataschema\":null,"
                + "\"contenttype\":null}";
    }

    private Response publishAsTheAppLibrary(String body) {
        return send(HttpRequest.newBuilder(url("/events/api/v1/app"))
                .header("Authorization", "Bearer " + publisher)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("Accept", "application/json")
                .header("PlatformAccessToken", "an-app-access-token")
                .header("Ocp-Apim-Subscription-Key", "a-subscription-key")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** The app's feed once {@code count} events are readable (each once no earlier transaction is open). */
    private List<JsonNode> appFeed(int count) {
        await().atMost(Duration.ofSeconds(10)).until(() -> appFeed().size() >= count);
        return appFeed();
    }

    private List<JsonNode> appFeed() {
        Response response = get("/events/api/v1/app/ttd/" + app + "?after=0", agencyToken("ttd"));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return JSON.readValue(response.body(), ArrayNode.class).valueStream().toList();
    }

    @Test
    void shouldAnswerTheAppLibrarysPublishWith201TheSubjectAsLocationAndTheNewIdAsAJsonString() {
        String guid = UUID.randomUUID().toString();
        Response response = publishAsTheAppLibrary(appLibraryRequest("50001", guid, "2026-12-06T04:43:23.1234567Z", "/person/01017012345"));

        assertThat(response.status()).as(response.body()).isEqualTo(201);
        assertThat(response.header("Location")).isEqualTo("/party/50001");
        assertThat(response.header("Content-Type")).startsWith("application/json");
        assertThat(response.body()).startsWith("\"").endsWith("\"");
        String id = JSON.readValue(response.body(), String.class);
        assertThat(UUID.fromString(id)).isNotNull();

        List<JsonNode> stored = appFeed(1);
        assertThat(stored).hasSize(1);
        JsonNode event = stored.get(0);
        assertThat(event.get("id").asString()).isEqualTo(id);
        assertThat(event.get("resource").asString()).isEqualTo("urn:altinn:resource:app_ttd_" + app);
        assertThat(event.get("resourceinstance").asString()).isEqualTo("50001/" + guid);
        assertThat(event.get("alternativesubject").asString()).isEqualTo("/person/01017012345");
        assertThat(event.get("time").asString()).as("Herald assigns the time").doesNotStartWith("2026-12-06T04:43:23.1234567");
        assertThat(event.has("data")).as("null members are not stored").isFalse();
        assertThat(event.has("contenttype")).isFalse();
    }

    @Test
    void shouldStoreARetriedAppLibraryRequestOnceAndAnswerTheSameId() {
        String body = appLibraryRequest("50002", UUID.randomUUID().toString(), "2026-12-06T05:00:00.0000001Z", null);

        Response first = publishAsTheAppLibrary(body);
        Response retry = publishAsTheAppLibrary(body);

        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(retry.status()).as(retry.body()).isEqualTo(201);
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(appFeed(1)).hasSize(1);
    }

    @Test
    void shouldStoreTwoEventsOfOneInstanceThatDifferOnlyInTheirClientTime() {
        String guid = UUID.randomUUID().toString();

        Response first = publishAsTheAppLibrary(appLibraryRequest("50003", guid, "2026-12-06T05:00:00.0000001Z", null));
        Response second = publishAsTheAppLibrary(appLibraryRequest("50003", guid, "2026-12-06T05:00:00.0000002Z", null));

        assertThat(first.status()).isEqualTo(201);
        assertThat(second.status()).isEqualTo(201);
        assertThat(second.body()).isNotEqualTo(first.body());
        assertThat(appFeed(2)).hasSize(2);
    }

    @Test
    void shouldIgnoreUnknownMembersAndReadTheLibrarysContentTypeObject() {
        String body = "{\"id\":null,\"source\":\"https://ttd.apps.tt02.altinn.no/ttd/" + app + "/instances/50004/"
                + UUID.randomUUID() + "\",\"specversion\":\"1.0\",\"type\":\"app.instance.process.completed\","
                + "\"subject\":\"/party/50004\",\"time\":\"2026-12-06T05:00:00Z\",\"alternativesubject\":null,"
                + "\"data\":{\"note\":\"done\"},\"dataschema\":\"https://schemas.example/done.json\","
                + "\"contenttype\":{\"Boundary\":null,\"CharSet\":null,\"MediaType\":\"application/json\",\"Name\":null,\"Parameters\":[]},"
                + "\"Consumer\":\"/org/ttd\",\"nested\":{\"x\":1},\"UPPER\":\"ignored\"}";

        Response response = publishAsTheAppLibrary(body);

        assertThat(response.status()).as(response.body()).isEqualTo(201);
        JsonNode event = appFeed(1).get(0);
        assertThat(event.get("data").get("note").asString()).isEqualTo("done");
        assertThat(event.get("dataschema").asString()).isEqualTo("https://schemas.example/done.json");
        assertThat(event.get("datacontenttype").asString()).isEqualTo("application/json");
        assertThat(event.has("Consumer")).isFalse();
        assertThat(event.has("nested")).isFalse();
        assertThat(event.has("UPPER")).isFalse();
        assertThat(event.has("alternativesubject")).isFalse();
    }
}
