package io.herald.api.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;
import io.herald.api.ApiTestSupport;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The platform's own test data and requests (src/test/resources/compat/altinn-events, README there
 * names their sources) replayed against Herald over HTTP: each gets the platform's status, and each
 * feed page is read by a typed client (the CloudEvents Java SDK's JSON format), as the platform's
 * clients read it. Where Herald answers otherwise on purpose, the assertion says so.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlatformTestDataIT extends ApiTestSupport {

    private static final String DATA = "/compat/altinn-events/";
    private static final JsonFormat TYPED = new JsonFormat();
    /** The id the bruno collection's app feed request reads after, as its environment holds it. */
    private static final String BRUNO_AFTER = "5b9a8887-0023-4f07-8791-d98e15a3542b";

    private String publisher;
    private String platformComponent;
    private String ttd;

    @BeforeAll
    void publishThePlatformsUnitTestEvents() {
        // the events of ttd's apps come from ttd, the others (app_nav_…, app_skd_…, systemx) each from the
        // agency that owns the app, or from a platform component granted the resource (ApiTestSupport)
        publisher = publisherToken();
        platformComponent = token(PUBLISH);
        ttd = agencyToken("ttd");
        for (String file : List.of("events-1.json", "events-2.json", "events-3.json")) {
            for (JsonNode row : json("unit-tests/" + file)) {
                String resource = row.get("cloudEvent").get("resource").asString();
                String token = resource.startsWith("urn:altinn:resource:app_") ? publisherTokenFor(resource) : platformComponent;
                Response response = post("/events/api/v1/events", "application/cloudevents+json", row.get("cloudEvent").toString(), token);
                assertThat(response.status()).as(file + ": " + response.body()).isEqualTo(200);
            }
        }
        // readable once no transaction ordered before them is still open (docs/adr/0002-cursor.md)
        String party = identityToken(Map.of("partyId", "1337"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> get("/events/api/v1/events?resource=urn:altinn:resource:systemx&after=0&subject=%2Fparty%2F1337", party)
                        .body().contains("e31dbb11-2208-4dda-a549-92a0db8c8808"));
    }

    /** Waits until the events just published are readable, then reads. */
    private Response settled(String path, String token, String lastId) {
        await().atMost(Duration.ofSeconds(10)).until(() -> get(path, token).body().contains(lastId));
        return get(path, token, "Content-Type", "application/cloudevents+json");
    }

    private static String resource(String path) {
        try (InputStream in = PlatformTestDataIT.class.getResourceAsStream(DATA + path)) {
            assertThat(in).as(path).isNotNull();
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode json(String path) {
        return JSON.readTree(resource(path));
    }

    /** The JSON body of a bruno request file ({@code body:json { … }}). */
    private static ObjectNode brunoBody(String path) {
        String text = resource(path);
        int start = text.indexOf("body:json {");
        int end = text.indexOf("\n}\n", start);
        return (ObjectNode) JSON.readTree(text.substring(text.indexOf('\n', start), end));
    }

    /** A feed page as a typed client reads it: every element a CloudEvent. */
    private static List<CloudEvent> typed(Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        List<CloudEvent> events = new ArrayList<>();
        for (JsonNode element : JSON.readValue(response.body(), ArrayNode.class)) {
            events.add(TYPED.deserialize(element.toString().getBytes(StandardCharsets.UTF_8)));
        }
        return events;
    }

    private static List<String> ids(Response response) {
        return typed(response).stream().map(CloudEvent::getId).toList();
    }

    private Response getAsK6(String path, String token) {
        // the k6 helpers send a content type on GET too
        return get(path, token, "Content-Type", "application/cloudevents+json");
    }

    @Test
    void shouldPublishTheK6AndBrunoEventsAndServeTheK6AndBrunoFeedRequests() {
        // k6 events/post.js: the event with a fresh id
        ObjectNode k6Event = (ObjectNode) json("k6/01-event.json");
        k6Event.put("id", UUID.randomUUID().toString());
        // its resource is granted by the platform's decision point to the test organisation; Herald's built-in
        // decision point grants whole resources of apps only, so the replay files the event under an app of ttd
        k6Event.put("resource", "urn:altinn:resource:app_ttd_apps-test");
        assertThat(post("/events/api/v1/events", "application/cloudevents+json", k6Event.toString(), publisher).status()).isEqualTo(200);

        // bruno: the generic event of dialogporten
        ObjectNode dialog = brunoBody("bruno/generic-event-dialogporten.bru");
        dialog.put("id", UUID.randomUUID().toString());
        dialog.put("time", Instant.now().toString());
        assertThat(post("/events/api/v1/events", "application/cloudevents+json", dialog.toString(), publisher).status()).isEqualTo(200);

        // k6 app event, its placeholders filled as the k6 script fills them, and bruno's app event
        String party = "50019855";
        ObjectNode k6App = (ObjectNode) json("k6/01-app-event.json");
        k6App.put("source", k6App.get("source").asString().replace("{0}", "at22.altinn.cloud").replace("{1}", party));
        k6App.put("subject", "/party/" + party);
        k6App.put("alternativesubject", "/person/01017012345");
        Response k6Published = post("/events/api/v1/app", "application/json", k6App.toString(), publisher);
        assertThat(k6Published.status()).as(k6Published.body()).isEqualTo(201);
        assertThat(JSON.readValue(k6Published.body(), String.class)).isNotBlank();
        ObjectNode brunoApp = brunoBody("bruno/app-event-apps-test.bru");
        brunoApp.put("time", Instant.now().toString());
        Response brunoPublished = post("/events/api/v1/app", "application/cloudevents+json", brunoApp.toString(), publisher);
        assertThat(brunoPublished.status()).as(brunoPublished.body()).isEqualTo(201);
        assertThat(brunoPublished.header("Location")).isEqualTo("/party/51282358");

        // k6 events/get.js TC01 and TC02
        String k6Query = "resource=" + encode(k6Event.get("resource").asString()) + "&source=" + encode(k6Event.get("source").asString())
                + "&type=" + encode(k6Event.get("type").asString());
        Response all = settled("/events/api/v1/events?after=0&" + k6Query + "&subject=" + encode("/autotest/k6") + "&size=10", ttd,
                k6Event.get("id").asString());
        assertThat(ids(all)).containsExactly(k6Event.get("id").asString());
        Response first = getAsK6("/events/api/v1/events?after=0&" + k6Query + "&size=1", ttd);
        assertThat(first.header("next")).isNotNull();
        assertThat(getAsK6(first.header("next"), ttd).status()).isEqualTo(200);

        // k6 app-events.js TC01–TC04: after=1, the next link, the party's feed from seven days ago
        Response org = settled("/events/api/v1/app/ttd/apps-test?after=1&size=1000", ttd,
                JSON.readValue(brunoPublished.body(), String.class));
        assertThat(typed(org)).hasSizeGreaterThanOrEqualTo(3);
        assertThat(org.header("next")).isNotNull();
        assertThat(getAsK6(org.header("next"), ttd).status()).isEqualTo(200);
        String user = identityToken(Map.of("partyId", party));
        Response partyFeed = getAsK6("/events/api/v1/app/party?from=" + Instant.now().minus(7, ChronoUnit.DAYS) + "&party=" + party, user);
        assertThat(typed(partyFeed)).hasSizeGreaterThanOrEqualTo(1);
        assertThat(partyFeed.header("next")).isNotNull();
        assertThat(getAsK6(partyFeed.header("next"), user).status()).isEqualTo(200);

        // bruno GET events - app-test: after an event id its environment holds
        ObjectNode held = cloudEvent("urn:altinn:resource:app_ttd_apps-test");
        held.put("id", BRUNO_AFTER);
        held.put("source", "https://ttd.apps.at22.altinn.cloud/ttd/apps-test/instances/" + party + "/" + UUID.randomUUID());
        assertThat(post("/events/api/v1/events", "application/cloudevents+json", held.toString(), publisher).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> get("/events/api/v1/app/ttd/apps-test?after=1&size=1000", ttd).body().contains(BRUNO_AFTER));
        Response brunoOrg = get("/events/api/v1/app/ttd/apps-test?after=" + BRUNO_AFTER, ttd);
        assertThat(ids(brunoOrg)).doesNotContain(BRUNO_AFTER);
        // bruno GET events: the party's feed from a time with fractional seconds
        assertThat(typed(get("/events/api/v1/app/party?from=2026-06-20T11:00:53.3917Z&party=" + party, user))).isNotEmpty();
    }

    @Test
    void shouldAnswerTheEventsControllerTestsRequestsWithThePlatformsStatus() {
        String party = identityToken(Map.of("partyId", "1337"));
        String systemx = "/events/api/v1/events?resource=urn:altinn:resource:systemx";

        Response fromStart = get(systemx + "&after=0&subject=%2Fparty%2F1337", party);
        assertThat(ids(fromStart)).containsExactly("e31dbb11-2208-4dda-a549-92a0db8c7708", "e31dbb11-2208-4dda-a549-92a0db8c8808");
        assertThat(fromStart.header("next")).contains("subject=").contains("after=");
        Response end = get(fromStart.header("next"), party);
        assertThat(typed(end)).isEmpty();
        assertThat(end.header("next")).as("clients loop while there is a next link").isNull();

        assertThat(ids(get(systemx + "&after=e31dbb11-2208-4dda-a549-92a0db8c7708&subject=/party/1337", party)))
                .containsExactly("e31dbb11-2208-4dda-a549-92a0db8c8808");
        assertThat(ids(get(systemx + "&after=0&subject=%2Fparty%2F1337&size=1500", party))).hasSize(2);
        assertThat(get(systemx + "&after=e31dbb11-2208-4dda-a549-92a0db8c7708&subject=/party/567890", party).status()).isEqualTo(200);
        assertThat(get("/events/api/v1/events?after=0&subject=%2Fparty%2F1337", party).status()).isEqualTo(400);
        assertThat(get("/events/api/v1/events?resource=random&after=e31dbb11-2208-4dda-a549-92a0db8c7708size=5", party).status())
                .isEqualTo(400);
        // deliberately otherwise: an id Herald does not hold for the resource is a 400, where the platform reads from the start
        assertThat(get("/events/api/v1/events?resource=urn:altinn:resource:test&size=-5&after=e31dbb11-2208-4dda-a549-92a0db8c8808", party)
                .status()).isEqualTo(400);
    }

    @Test
    void shouldAnswerTheAppControllerTestsRequestsWithThePlatformsStatus() {
        String app = "/events/api/v1/app/ttd/endring-av-navn-v2";
        String party = identityToken(Map.of("partyId", "1337"));

        assertThat(ids(get(app + "?from=2020-01-01Z&party=1337", ttd)))
                .containsExactly("e31dbb11-2208-4dda-a549-92a0db8c7708", "e31dbb11-2208-4dda-a549-92a0db8c8808");
        assertThat(ids(get(app + "?from=2020-01-01Z", ttd))).hasSize(2);
        assertThat(ids(get(app + "?after=e31dbb11-2208-4dda-a549-92a0db8c7708&from=2020-01-01Z&party=1337", ttd)))
                .containsExactly("e31dbb11-2208-4dda-a549-92a0db8c8808");
        assertThat(typed(get(app + "?after=e31dbb11-2208-4dda-a549-92a0db8c7708&party=567890", ttd))).isEmpty();
        assertThat(get(app + "?size=5", ttd).status()).isEqualTo(400);

        assertThat(ids(get("/events/api/v1/app/party?from=2020-01-01Z&party=1337&size=5&source=https://ttd.apps.altinn.no/ttd/%25", party)))
                .containsExactly("e31dbb11-2208-4dda-a549-92a0db8c7708", "e31dbb11-2208-4dda-a549-92a0db8c8808");
        assertThat(ids(get("/events/api/v1/app/party?after=e31dbb11-2208-4dda-a549-92a0db8c7708&party=1337", party)))
                .contains("e31dbb11-2208-4dda-a549-92a0db8c8808");
        assertThat(get("/events/api/v1/app/party?after=e31dbb11-2208-4dda-a549-92a0db8c7708&from=2020-01-01Z&party=1337&size=5&unit=12345",
                party).status()).isEqualTo(400);
        assertThat(get("/events/api/v1/app/party?size=5", party).status()).isEqualTo(400);
        assertThat(get("/events/api/v1/app/party?from=2020-01-01Z&size=-5", party).status()).isEqualTo(400);

        // deliberately more lenient: a size below 1 is the default page, a time without a zone is UTC (the platform: 400)
        assertThat(get(app + "?from=2020-01-01Z&size=-5", ttd).status()).isEqualTo(200);
        assertThat(get("/events/api/v1/app/ttd/apps-test?from=2022-07-07T11:00:53.3917", ttd).status()).isEqualTo(200);
        assertThat(get("/events/api/v1/app/ttd/apps-test?after=1&to=2022-07-07T11:00:53.3917", ttd).status()).isEqualTo(200);
        assertThat(get("/events/api/v1/app/party?from=2020-01-01&party=1337&app=apps-test&size=5", party).status()).isEqualTo(200);
    }
}
