package io.herald.api.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonFormat;
import io.herald.api.ApiTestSupport;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * The CloudEvents Java SDK as a publisher: its HTTP binding writes the event in structured mode
 * (the whole event as {@code application/cloudevents+json}) and in binary mode ({@code ce-*}
 * headers, the data as the body with its own {@code Content-Type}); Herald stores both alike.
 */
class CloudEventsSdkPublishIT extends ApiTestSupport {

    private String publisher;
    private String resource;

    @BeforeEach
    void names() {
        publisher = publisherToken();
        resource = uniqueResource();
    }

    private CloudEventBuilder event(String contentType, byte[] data) {
        return CloudEventBuilder.v1()
                .withId(UUID.randomUUID().toString())
                .withSource(URI.create("https://ttd.apps.example/ttd/sdk/instances/50001/" + UUID.randomUUID()))
                .withType("app.instance.created")
                .withSubject("/party/50001")
                .withTime(OffsetDateTime.parse("2026-12-06T05:00:00Z"))
                .withExtension("resource", resource)
                .withExtension("alternativesubject", "/person/01017012345")
                .withData(contentType, data);
    }

    /** What the SDK's writer puts on the wire, sent to {@code path}. */
    private Response send(String path, CloudEvent event, boolean binary) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url(path)).header("Authorization", "Bearer " + publisher);
        AtomicReference<byte[]> body = new AtomicReference<>(new byte[0]);
        var writer = HttpMessageFactory.createWriter(request::header, body::set);
        if (binary) {
            writer.writeBinary(event);
        } else {
            writer.writeStructured(event, JsonFormat.CONTENT_TYPE);
        }
        return send(request.POST(HttpRequest.BodyPublishers.ofByteArray(body.get())));
    }

    private List<JsonNode> read(String id) {
        Response response = get("/events/api/v1/events?after=0&resource=" + encode(resource), agencyToken(TEST_AGENCY));
        assertThat(response.status()).isEqualTo(200);
        return JSON.readValue(response.body(), ArrayNode.class).valueStream().filter(e -> e.get("id").asString().equals(id)).toList();
    }

    /** The stored event, once readable (once no transaction ordered before it is still open). */
    private JsonNode stored(String id) {
        await().atMost(Duration.ofSeconds(10)).until(() -> !read(id).isEmpty());
        List<JsonNode> events = read(id);
        assertThat(events).hasSize(1);
        return events.get(0);
    }

    @Test
    void shouldStoreAnEventTheSdkSendsInStructuredMode() {
        CloudEvent event = event("application/json", "{\"n\":1}".getBytes(StandardCharsets.UTF_8)).build();

        Response response = send("/events/api/v1/events", event, false);

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode stored = stored(event.getId());
        assertThat(stored.get("data").get("n").asInt()).isEqualTo(1);
        assertThat(stored.get("subject").asString()).isEqualTo("/party/50001");
    }

    @Test
    void shouldStoreAnEventTheSdkSendsInBinaryModeWithJsonData() {
        CloudEvent event = event("application/json", "{\"n\":2}".getBytes(StandardCharsets.UTF_8)).build();

        Response response = send("/events/api/v1/events", event, true);

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().get("id").asString()).isEqualTo(event.getId());
        assertThat(response.header("Herald-Position")).isNotBlank();
        JsonNode stored = stored(event.getId());
        assertThat(stored.get("data").get("n").asInt()).isEqualTo(2);
        assertThat(stored.get("datacontenttype").asString()).isEqualTo("application/json");
        assertThat(stored.get("resource").asString()).isEqualTo(resource);
        assertThat(stored.get("alternativesubject").asString()).isEqualTo("/person/01017012345");
        assertThat(stored.get("source").asString()).isEqualTo(event.getSource().toString());
        assertThat(stored.get("time").asString()).startsWith("2026-12-06T05:00");
    }

    @Test
    void shouldStoreBinaryModeDataOfAnotherTypeAsBase64() {
        byte[] data = "plain text, not JSON".getBytes(StandardCharsets.UTF_8);
        CloudEvent event = event("text/plain", data).build();

        Response response = send("/events/api/v1/events", event, true);

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode stored = stored(event.getId());
        assertThat(Base64.getDecoder().decode(stored.get("data_base64").asString())).isEqualTo(data);
        assertThat(stored.get("datacontenttype").asString()).isEqualTo("text/plain");
    }

    @Test
    void shouldAcceptBinaryModeOnTheOriginalProposalsPublishPath() {
        CloudEvent event = event("application/json", "{}".getBytes(StandardCharsets.UTF_8)).build();

        Response response = send("/events", event, true);

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(stored(event.getId()).get("type").asString()).isEqualTo("app.instance.created");
    }

    @Test
    void shouldRepublishABinaryModeEventIdempotently() {
        CloudEvent event = event("application/json", "{\"n\":3}".getBytes(StandardCharsets.UTF_8)).build();

        Response first = send("/events/api/v1/events", event, true);
        Response again = send("/events/api/v1/events", event, true);

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(first.body());
    }

    @Test
    void shouldRefuseABinaryModeEventWithoutItsRequiredAttributesWith400() {
        Response response = send(HttpRequest.newBuilder(url("/events/api/v1/events"))
                .header("Authorization", "Bearer " + publisher)
                .header("ce-specversion", "1.0")
                .header("ce-source", "urn:test")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("code").asString()).isEqualTo("invalid-event");
    }
}
