package io.herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

class PublishIT extends ApiTestSupport {

    private static final String EVENTS = "/events/api/v1/events";
    private static final String CE = "application/cloudevents+json";
    private static final String BATCH = "application/cloudevents-batch+json";

    private String publisher;
    private String reader;
    private String resource;

    @BeforeEach
    void tokens() {
        publisher = publisherToken();
        reader = agencyToken(TEST_AGENCY);
        resource = uniqueResource();
    }

    private List<JsonNode> feed(String resource) {
        String agency = resource.substring("urn:altinn:resource:app_".length()).split("_")[0];
        Response response = get(EVENTS + "?after=0&size=1000&resource=" + encode(resource), agencyToken(agency));
        assertThat(response.status()).isEqualTo(200);
        return List.copyOf(JSON.readValue(response.body(), ArrayNode.class).valueStream().toList());
    }

    private List<String> storedIds(String resource) {
        return feed(resource).stream().map(e -> e.get("id").asString()).toList();
    }

    @Test
    void shouldStoreASingleEventBeforeAnsweringAndReturnItsPosition() {
        ObjectNode event = cloudEvent(resource);
        event.put("subject", "/party/50001");
        event.putObject("data").put("amount", 42);

        Response response = post(EVENTS, CE, event.toString(), publisher);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("id").asString()).isEqualTo(event.get("id").asString());
        assertThat(response.json().get("position").asString()).isEqualTo(response.header("Herald-Position")).matches("\\d+-\\d+");
        assertThat(feed(resource)).containsExactly(event);
    }

    /**
     * The receipt of a single publish, as a client reads it: JSON (the content type says so), the event's source and id
     * and its position, the same position in the header. A client that takes no JSON is refused before anything is
     * stored: the receipt is written by Herald itself, not chosen by content negotiation after the event was stored.
     */
    @Test
    void shouldAnswerASinglePublishWithItsReceiptAsJsonAndRefuseAClientThatTakesNoJson() {
        ObjectNode event = cloudEvent(resource);

        Response response = post(EVENTS, CE, event.toString(), publisher);
        Response refused = send(java.net.http.HttpRequest.newBuilder(url(EVENTS))
                .header("Content-Type", CE).header("Accept", "application/xml").header("Authorization", "Bearer " + publisher)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(cloudEvent(resource).toString())));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).startsWith("application/json");
        assertThat(response.json().propertyNames()).containsExactly("source", "id", "position");
        assertThat(response.json().get("source").asString()).isEqualTo(event.get("source").asString());
        assertThat(response.json().get("id").asString()).isEqualTo(event.get("id").asString());
        assertThat(response.json().get("position").asString()).isEqualTo(response.header("Herald-Position"));
        assertThat(refused.status()).isEqualTo(406);
        assertThat(storedIds(resource)).containsExactly(event.get("id").asString());
    }

    /**
     * JSON answers carry their length rather than coming chunked: one write to the socket, not two (a tenth
     * of the request threads' time under single publishes went to socket writes). A problem, a batch's
     * receipts and the platform's app-event answer (a JSON string, written as it is) too.
     */
    @Test
    void shouldAnswerWithTheLengthOfTheBodyNotInChunks() {
        Response single = post(EVENTS, CE, cloudEvent(resource).toString(), publisher);
        Response batch = post(EVENTS, BATCH, JSON.createArrayNode().add(cloudEvent(resource)).toString(), publisher);
        Response problem = post(EVENTS, CE, "{\"specversion\":\"1.0\"}", publisher);

        for (Response response : List.of(single, batch, problem)) {
            assertThat(response.header("Transfer-Encoding")).as("transfer encoding of %s", response.body()).isNull();
            assertThat(response.header("Content-Length")).as("length of %s", response.body())
                    .isEqualTo(String.valueOf(response.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
        }
        assertThat(single.status()).isEqualTo(200);
        assertThat(batch.json()).hasSize(1);
        assertThat(problem.status()).isEqualTo(400);
        assertThat(problem.json().get("status").asInt()).isEqualTo(400);
    }

    /** A body sent without a declared length (chunked) is collected as it grows, whatever its size within the limit. */
    @Test
    void shouldStoreAnEventWhoseBodyCameWithoutADeclaredLength() {
        ObjectNode event = cloudEvent(resource);
        event.putObject("data").put("note", "x".repeat(20_000));
        byte[] bytes = event.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);

        Response response = send(java.net.http.HttpRequest.newBuilder(url(EVENTS))
                .header("Content-Type", CE).header("Authorization", "Bearer " + publisher)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes))));

        assertThat(response.status()).isEqualTo(200);
        assertThat(feed(resource)).containsExactly(event);
    }

    @Test
    void shouldAcceptPlainJsonAsASingleCloudEvent() {
        Response response = post(EVENTS, "application/json", cloudEvent(resource).toString(), publisher);

        assertThat(response.status()).isEqualTo(200);
        assertThat(storedIds(resource)).hasSize(1);
    }

    @Test
    void shouldStoreABatchInOrder() {
        ArrayNode batch = JSON.createArrayNode().add(cloudEvent(resource)).add(cloudEvent(resource)).add(cloudEvent(resource));

        Response response = post(EVENTS, BATCH, batch.toString(), publisher);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json()).hasSize(3);
        assertThat(storedIds(resource)).containsExactly(
                batch.get(0).get("id").asString(), batch.get(1).get("id").asString(), batch.get(2).get("id").asString());
    }

    @Test
    void shouldAnswerARepublishWithTheSameAnswerAndStoreItOnce() {
        String event = cloudEvent(resource).toString();

        Response first = post(EVENTS, CE, event, publisher);
        Response again = post(EVENTS, CE, event, publisher);

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(storedIds(resource)).hasSize(1);
    }

    @Test
    void shouldRefuseARepublishWithOtherContentWith409() {
        ObjectNode event = cloudEvent(resource);
        post(EVENTS, CE, event.toString(), publisher);
        event.put("type", "app.instance.deleted");

        Response response = post(EVENTS, CE, event.toString(), publisher);

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(response.json().get("code").asString()).isEqualTo("event-conflict");
        assertThat(response.json().get("detail").asString()).contains(event.get("id").asString());
        assertThat(feed(resource)).extracting(e -> e.get("type").asString()).containsExactly("app.instance.created");
    }

    @Test
    void shouldStoreNoneOfABatchWithOneBadEvent() {
        ObjectNode bad = cloudEvent(resource);
        bad.put("source", "not a uri");
        ArrayNode batch = JSON.createArrayNode().add(cloudEvent(resource)).add(bad).add(cloudEvent(resource));

        Response response = post(EVENTS, BATCH, batch.toString(), publisher);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo("[1].source");
        assertThat(storedIds(resource)).isEmpty();
    }

    @Test
    void shouldStoreNoneOfABatchWithOneConflictingEvent() {
        ObjectNode stored = cloudEvent(resource);
        post(EVENTS, CE, stored.toString(), publisher);
        ObjectNode changed = stored.deepCopy();
        changed.put("type", "changed");
        ObjectNode fresh = cloudEvent(resource);

        Response response = post(EVENTS, BATCH, JSON.createArrayNode().add(fresh).add(changed).toString(), publisher);

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo("[1].id");
        assertThat(storedIds(resource)).containsExactly(stored.get("id").asString());
    }

    @Test
    void shouldAssignIdTimeResourceAndInstanceToAnAppEvent() {
        String guid = UUID.randomUUID().toString();
        ObjectNode appEvent = JSON.createObjectNode();
        appEvent.put("source", "https://skd.apps.example/skd/skattemelding/instances/50015641/" + guid);
        appEvent.put("type", "app.instance.process.completed");
        appEvent.put("subject", "/party/50015641");
        appEvent.put("alternativesubject", "/person/01017012345");

        Response response = post("/events/api/v1/app", "application/json", appEvent.toString(), agencyToken("skd", PUBLISH));

        assertThat(response.status()).isEqualTo(201);
        assertThat(response.header("Location")).isEqualTo("/party/50015641");
        String id = response.json().asString();
        JsonNode stored = feed("urn:altinn:resource:app_skd_skattemelding").stream()
                .filter(event -> event.get("id").asString().equals(id)).findFirst().orElseThrow();
        assertThat(stored.get("time").asString()).isNotBlank();
        assertThat(stored.get("specversion").asString()).isEqualTo("1.0");
        assertThat(stored.get("resource").asString()).isEqualTo("urn:altinn:resource:app_skd_skattemelding");
        assertThat(stored.get("resourceinstance").asString()).isEqualTo("50015641/" + guid);
    }

    @Test
    void shouldRefuseAnAppEventWhoseSourceNamesNoInstance() {
        Response response = post("/events/api/v1/app", "application/json",
                "{\"source\":\"https://skd.apps.example/skd\",\"type\":\"x\"}", publisher);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo("source");
    }

    @Test
    void shouldIgnoreWhatHeraldAssignsWhenAnAppEventSetsIt() {
        String guid = UUID.randomUUID().toString();
        Response response = post("/events/api/v1/app", "application/json",
                "{\"id\":\"mine\",\"time\":\"2001-01-01T00:00:00Z\",\"resource\":\"urn:altinn:resource:other\","
                        + "\"source\":\"https://a.example/ttd/app/instances/1/" + guid + "\",\"type\":\"x\"}", publisher);

        assertThat(response.status()).as(response.body()).isEqualTo(201);
        String id = response.json().asString();
        assertThat(id).isNotEqualTo("mine");
        JsonNode stored = feed("urn:altinn:resource:app_ttd_app").stream()
                .filter(event -> event.get("id").asString().equals(id)).findFirst().orElseThrow();
        assertThat(stored.get("time").asString()).doesNotStartWith("2001");
        assertThat(stored.get("resource").asString()).isEqualTo("urn:altinn:resource:app_ttd_app");
    }

    @Test
    void shouldStoreAnEventGridEventAsTheEquivalentCloudEvent() {
        String guid = UUID.randomUUID().toString();
        ObjectNode eventGrid = JSON.createObjectNode();
        eventGrid.put("id", UUID.randomUUID().toString());
        eventGrid.put("topic", "/ttd/eventgrid-app/instances/50002/" + guid);
        eventGrid.put("subject", "/party/50002");
        eventGrid.put("eventType", "app.instance.created");
        eventGrid.put("eventTime", "2026-11-27T10:15:30Z");
        eventGrid.put("dataVersion", "1.0");
        eventGrid.putObject("data").put("note", "from the original proposal");

        Response response = post("/events", "application/json", JSON.createArrayNode().add(eventGrid).toString(), publisher);

        assertThat(response.status()).isEqualTo(200);
        JsonNode stored = feed("urn:altinn:resource:app_ttd_eventgrid-app").stream()
                .filter(e -> e.get("id").asString().equals(eventGrid.get("id").asString())).findFirst().orElseThrow();
        assertThat(stored.get("specversion").asString()).isEqualTo("1.0");
        assertThat(stored.get("source").asString()).isEqualTo("/ttd/eventgrid-app/instances/50002/" + guid);
        assertThat(stored.get("type").asString()).isEqualTo("app.instance.created");
        assertThat(stored.get("time").asString()).isEqualTo("2026-11-27T10:15:30Z");
        assertThat(stored.get("subject").asString()).isEqualTo("/party/50002");
        assertThat(stored.get("resourceinstance").asString()).isEqualTo("50002/" + guid);
        assertThat(stored.get("dataversion").asString()).isEqualTo("1.0");
        assertThat(stored.get("data").get("note").asString()).isEqualTo("from the original proposal");
    }

    @Test
    void shouldAcceptACloudEventOnTheOriginalPublishEndpoint() {
        ObjectNode event = cloudEvent(resource);

        Response response = post("/events", CE, event.toString(), publisher);

        assertThat(response.status()).isEqualTo(200);
        assertThat(feed(resource)).containsExactly(event);
    }
}
