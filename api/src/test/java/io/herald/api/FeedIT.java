package io.herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

class FeedIT extends ApiTestSupport {

    private String reader;

    @BeforeEach
    void tokens() {
        reader = agencyToken(TEST_AGENCY);
    }

    private ObjectNode publish(ObjectNode event) {
        Response response = post("/events/api/v1/events", "application/cloudevents+json", event.toString(),
                publisherTokenFor(event.get("resource").asString()));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return event;
    }

    private static List<String> ids(Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        JSON.readValue(response.body(), ArrayNode.class).forEach(e -> ids.add(e.get("id").asString()));
        return ids;
    }

    /** An app event about a party, for the app and party feeds. */
    private ObjectNode appEvent(String org, String app, String party, String alternativeSubject, String type) {
        String guid = UUID.randomUUID().toString();
        ObjectNode event = cloudEvent("urn:altinn:resource:app_" + org + "_" + app);
        event.put("source", "https://" + org + ".apps.example/" + org + "/" + app + "/instances/" + party + "/" + guid);
        event.put("subject", "/party/" + party);
        event.put("alternativesubject", alternativeSubject);
        event.put("resourceinstance", party + "/" + guid);
        event.put("type", type);
        return publish(event);
    }

    @Test
    void shouldLeadThroughEveryPageWithNextAndLinkHeadersExactlyOnce() {
        String resource = uniqueResource();
        List<String> published = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            published.add(publish(cloudEvent(resource)).get("id").asString());
        }

        List<String> seen = new ArrayList<>();
        String next = "/events/api/v1/events?resource=" + encode(resource) + "&after=0&size=2";
        List<Integer> sizes = new ArrayList<>();
        Response response = null;
        for (int page = 0; page < 10 && next != null; page++) {
            response = get(next, reader);
            List<String> ids = ids(response);
            sizes.add(ids.size());
            seen.addAll(ids);
            next = response.header("next");
            if (ids.isEmpty()) {
                assertThat(next).as("an empty page has no next link: clients loop while there is one").isNull();
                assertThat(response.header("Link")).isNull();
            } else {
                assertThat(next).startsWith("http://127.0.0.1:" + port + "/events/api/v1/events?").contains("size=2");
                assertThat(response.header("Link")).isEqualTo("<" + next + ">; rel=\"next\"");
            }
        }

        assertThat(seen).containsExactlyElementsOf(published);
        assertThat(sizes).containsExactly(2, 2, 1, 0);
        String cursor = response.header("Herald-Position");
        assertThat(ids(get("/events/api/v1/events?resource=" + encode(resource) + "&after=" + cursor, reader)))
                .as("the empty page's cursor repeats nothing").isEmpty();
    }

    @Test
    void shouldFilterTheGenericFeedBySubjectTypeAndSource() {
        String resource = uniqueResource();
        ObjectNode wanted = cloudEvent(resource);
        wanted.put("subject", "/party/7");
        wanted.put("type", "app.instance.process.completed");
        wanted.put("source", "https://one.example/ttd/app");
        publish(wanted);
        publish(cloudEvent(resource));
        String feed = "/events/api/v1/events?after=0&resource=" + encode(resource);

        assertThat(ids(get(feed, reader))).hasSize(2);
        assertThat(ids(get(feed + "&subject=" + encode("/party/7"), reader))).containsExactly(wanted.get("id").asString());
        assertThat(ids(get(feed + "&type=nothing&type=app.instance.process.completed", reader))).containsExactly(wanted.get("id").asString());
        assertThat(ids(get(feed + "&source=" + encode("https://one.example/"), reader))).containsExactly(wanted.get("id").asString());
    }

    @Test
    void shouldServeAnAgencysAppFeedByPartyUnitPersonTypeAndTime() {
        String app = "app" + UUID.randomUUID().toString().substring(0, 8);
        ObjectNode person = appEvent("ttd", app, "501", "/person/01017012345", "app.instance.created");
        ObjectNode organisation = appEvent("ttd", app, "502", "/org/910011154", "app.instance.process.completed");
        String feed = "/events/api/v1/app/ttd/" + app;

        assertThat(ids(get(feed + "?after=0", reader))).containsExactly(person.get("id").asString(), organisation.get("id").asString());
        assertThat(ids(get(feed + "?after=0&party=502", reader))).containsExactly(organisation.get("id").asString());
        assertThat(ids(get(feed + "?after=0&unit=910011154", reader))).containsExactly(organisation.get("id").asString());
        assertThat(ids(get(feed + "?after=0", reader, "Altinn-Party-SocialSecurityNumber", "01017012345")))
                .containsExactly(person.get("id").asString());
        assertThat(ids(get(feed + "?after=0&type=app.instance.created", reader))).containsExactly(person.get("id").asString());
        assertThat(ids(get(feed + "?from=2000-01-01T00:00:00Z", reader))).hasSize(2);
        assertThat(ids(get(feed + "?from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z", reader))).isEmpty();
    }

    @Test
    void shouldServeAPartysFeedAcrossApps() {
        String party = String.valueOf(100000 + (int) (Math.random() * 800000));
        ObjectNode inOne = appEvent("ttd", "one", party, "/org/9" + party.substring(0, 6) + "00", "app.instance.created");
        ObjectNode inTwo = appEvent("skd", "two", party, "/org/9" + party.substring(0, 6) + "00", "app.instance.created");

        // the party itself reads its events of every agency's apps
        String itself = identityToken(java.util.Map.of("orgNumber", "9" + party.substring(0, 6) + "00"));

        assertThat(ids(get("/events/api/v1/app/party?after=0&party=" + party, itself)))
                .containsExactly(inOne.get("id").asString(), inTwo.get("id").asString());
        assertThat(ids(get("/events/api/v1/app/party?after=0&party=" + party + "&source=" + encode("https://skd."), itself)))
                .containsExactly(inTwo.get("id").asString());
        assertThat(ids(get("/events/api/v1/app/party?after=0&unit=9" + party.substring(0, 6) + "00", itself)))
                .containsExactly(inOne.get("id").asString(), inTwo.get("id").asString());
        // an agency reads only its own apps' events of the party
        assertThat(ids(get("/events/api/v1/app/party?after=0&party=" + party, reader))).containsExactly(inOne.get("id").asString());
    }

    @Test
    void shouldServeTheOriginalProposalsReadEndpoints() {
        String app = "orig" + UUID.randomUUID().toString().substring(0, 8);
        ObjectNode event = appEvent("ttd", app, "503", "/person/02029012345", "app.instance.created");
        String instanceGuid = event.get("resourceinstance").asString().split("/")[1];

        assertThat(ids(get("/events/instanceevents/ttd/" + app + "?from=2000-01-01T00:00:00Z", reader)))
                .containsExactly(event.get("id").asString());
        assertThat(ids(get("/events/instanceevents/ttd/" + app + "?from=2000-01-01T00:00:00Z&eventType=other", reader))).isEmpty();

        Response party = post("/events/instanceeventsforparty", "application/json",
                "{\"appId\":\"ttd/" + app + "\",\"party\":{\"personNumber\":\"02029012345\"},\"storedAfter\":\"2000-01-01T00:00:00Z\"}",
                reader);
        assertThat(ids(party)).containsExactly(event.get("id").asString());
        assertThat(party.header("next")).contains("/events/instanceeventsforparty?after=");

        Response instance = post("/events/instanceeventsforinstance/" + instanceGuid, "application/json", "{}", reader);
        assertThat(ids(instance)).containsExactly(event.get("id").asString());
        Response afterIt = post(instance.header("next"), "application/json", "{}", reader);
        assertThat(ids(afterIt)).isEmpty();
    }

    @Test
    void shouldReturnEventsExactlyAsPublished() {
        ObjectNode event = cloudEvent(uniqueResource());
        event.put("myextension", "kept");
        event.put("datacontenttype", "application/json");
        event.putObject("data").put("nested", true).putArray("list").add(1).add(2);
        publish(event);

        Response response = get("/events/api/v1/events?after=0&resource=" + encode(event.get("resource").asString()), reader);

        JsonNode stored = JSON.readTree(response.body()).get(0);
        assertThat(stored).isEqualTo(event);
    }
}
