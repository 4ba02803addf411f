package io.herald.api.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.herald.api.ApiTestSupport;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The feed parameters and headers the platform's clients send, as the platform reads them:
 * {@code after} as the id of the last event read, {@code size} clamped, no {@code next} on an empty
 * page, the {@code person} and {@code Altinn-AlternativeSubject} headers, type and source patterns,
 * the time forms of ASP.NET's binder, {@code unit} in both organisation forms, and the refused
 * combinations.
 */
class PlatformFeedParametersIT extends ApiTestSupport {

    private String publisher;
    private String agency;
    private String app;
    private String resource;

    @BeforeEach
    void names() {
        publisher = publisherToken();
        agency = agencyToken(TEST_AGENCY);
        app = "feeds" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        resource = "urn:altinn:resource:app_" + TEST_AGENCY + "_" + app;
    }

    private ObjectNode publish(String party, String alternativeSubject, String type, String time) {
        String guid = UUID.randomUUID().toString();
        ObjectNode event = cloudEvent(resource);
        event.put("source", "https://ttd.apps.example/ttd/" + app + "/instances/" + party + "/" + guid);
        event.put("subject", "/party/" + party);
        if (alternativeSubject != null) {
            event.put("alternativesubject", alternativeSubject);
        }
        event.put("type", type);
        if (time != null) {
            event.put("time", time);
        }
        Response response = post("/events/api/v1/events", "application/cloudevents+json", event.toString(), publisher);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        // readable once no transaction ordered before it is still open (docs/adr/0002-cursor.md): wait for that
        String id = event.get("id").asString();
        await().atMost(Duration.ofSeconds(10)).until(() -> ids(get(generic("after=0&size=1000"), agency)).contains(id));
        return event;
    }

    private ObjectNode publish(String party, String alternativeSubject) {
        return publish(party, alternativeSubject, "app.instance.created", null);
    }

    private static String uniquePersonNumber() {
        return String.format("%011d", Math.floorMod(UUID.randomUUID().getMostSignificantBits(), 100_000_000_000L));
    }

    private static String id(ObjectNode event) {
        return event.get("id").asString();
    }

    private static List<String> ids(Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        JSON.readValue(response.body(), ArrayNode.class).forEach(e -> ids.add(e.get("id").asString()));
        return ids;
    }

    private String generic(String query) {
        return "/events/api/v1/events?resource=" + encode(resource) + "&" + query;
    }

    private String appFeed(String query) {
        return "/events/api/v1/app/ttd/" + app + "?" + query;
    }

    @Test
    void shouldReadOnAfterTheIdOfTheLastEventReadOnEveryFeed() {
        ObjectNode first = publish("50001", "/person/01017012345");
        ObjectNode second = publish("50001", "/person/01017012345");
        ObjectNode third = publish("50001", "/person/01017012345");

        assertThat(ids(get(generic("after=" + id(first)), agency))).containsExactly(id(second), id(third));
        assertThat(ids(get(appFeed("after=" + id(second)), agency))).containsExactly(id(third));
        assertThat(ids(get("/events/api/v1/app/party?party=50001&after=" + id(first), agency))).containsExactly(id(second), id(third));
        assertThat(ids(get(generic("after=" + id(third)), agency))).isEmpty();
    }

    @Test
    void shouldKeepHeraldsOwnCursorWorkingBesideEventIds() {
        ObjectNode first = publish("50001", null);
        ObjectNode second = publish("50001", null);

        Response page = get(generic("after=0&size=1"), agency);
        assertThat(ids(page)).containsExactly(id(first));
        assertThat(page.header("next")).matches(".*after=\\d+-\\d+.*");
        assertThat(ids(get(page.header("next"), agency))).containsExactly(id(second));
        assertThat(ids(get(generic("after=1"), agency))).as("a bare number starts at that transaction: 1 is the start")
                .containsExactly(id(first), id(second));
    }

    @Test
    void shouldRefuseAnAfterThatNamesNoEventHeraldHoldsWith400SayingSo() {
        publish("50001", null);
        String unknown = UUID.randomUUID().toString();

        Response response = get(generic("after=" + unknown), agency);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo("after");
        assertThat(response.json().get("detail").asString()).contains(unknown).contains("names no event");
    }

    @Test
    void shouldClampSizeInsteadOfRefusingIt() {
        List<String> published = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            published.add(id(publish("50001", null)));
        }

        assertThat(ids(get(generic("after=0&size=0"), agency))).containsExactlyElementsOf(published);
        assertThat(ids(get(generic("after=0&size=-5"), agency))).containsExactlyElementsOf(published);
        assertThat(ids(get(generic("after=0&size=5000"), agency))).containsExactlyElementsOf(published);
        assertThat(ids(get(appFeed("after=0&size=0"), agency))).containsExactlyElementsOf(published);
    }

    @Test
    void shouldSendNoNextLinkOnAnEmptyPageSoThatClientsLoopingWhileNextStop() {
        publish("50001", null);
        String next = generic("after=0");
        int pages = 0;
        while (next != null && pages < 5) {
            Response response = get(next, agency);
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("Herald-Position")).isNotBlank();
            next = response.header("next");
            if (ids(response).isEmpty()) {
                assertThat(response.header("Link")).isNull();
            }
            pages++;
        }
        assertThat(next).isNull();
        assertThat(pages).isEqualTo(2);
    }

    @Test
    void shouldFilterByThePersonHeaderOfThePlatformAndOfTheDesign() {
        String number = uniquePersonNumber();
        ObjectNode mine = publish("50001", "/person/" + number);
        publish("50002", "/person/" + uniquePersonNumber());

        assertThat(ids(get(appFeed("after=0"), agency, "person", number))).containsExactly(id(mine));
        assertThat(ids(get(appFeed("after=0"), agency, "Altinn-Party-SocialSecurityNumber", number))).containsExactly(id(mine));
        assertThat(ids(get("/events/api/v1/app/party?after=0", agency, "person", number))).containsExactly(id(mine));
        assertThat(get(appFeed("after=0"), agency, "person", "0101701234X").status()).isEqualTo(400);
    }

    @Test
    void shouldLetAPersonReadOnlyTheirOwnEventsThroughThePersonHeader() {
        String number = uniquePersonNumber();
        String other = uniquePersonNumber();
        ObjectNode mine = publish("50001", "/person/" + number);
        publish("50002", "/person/" + other);
        String person = identityToken(Map.of("pid", number));

        assertThat(ids(get("/events/api/v1/app/party?after=0", person, "person", number))).containsExactly(id(mine));
        assertThat(ids(get("/events/api/v1/app/party?after=0", person, "person", other)))
                .as("another person's events are not the caller's to read").isEmpty();
    }

    @Test
    void shouldFilterTheGenericFeedByTheAlternativeSubjectHeader() {
        ObjectNode organisation = publish("50001", "/organisation/910011154");
        publish("50002", "/person/02027012345");

        assertThat(ids(get(generic("after=0"), agency, "Altinn-AlternativeSubject", "/organisation/910011154")))
                .containsExactly(id(organisation));
    }

    @Test
    void shouldMatchTypesWithoutRegardToCaseWithWildcardsAndRepeated() {
        ObjectNode created = publish("50001", null, "app.instance.created", null);
        ObjectNode moved = publish("50001", null, "app.instance.process.movedTo.Task_2", null);
        ObjectNode custom = publish("50001", null, "custom.thing", null);

        assertThat(ids(get(generic("after=0&type=APP.INSTANCE.CREATED"), agency))).containsExactly(id(created));
        assertThat(ids(get(generic("after=0&type=app.instance.%25"), agency))).containsExactly(id(created), id(moved));
        assertThat(ids(get(appFeed("after=0&type=app.instance.created&type=custom.thing"), agency))).containsExactly(id(created), id(custom));
    }

    @Test
    void shouldMatchRepeatedSourcesWithWildcardsOnThePartyFeed() {
        ObjectNode event = publish("50001", null);
        String source = event.get("source").asString();
        String wildcard = source.replace("ttd.apps.example", "%25");

        assertThat(ids(get("/events/api/v1/app/party?party=50001&after=0&source=" + encode("urn:nothing") + "&source=" + wildcard, agency)))
                .containsExactly(id(event));
        assertThat(ids(get("/events/api/v1/app/party?party=50001&after=0&source=" + encode("https://other.example/%"), agency))).isEmpty();
    }

    @Test
    void shouldAcceptTheTimeFormsOfThePlatformsClientsAndReadZonelessTimesAsUtc() {
        ObjectNode early = publish("50001", null, "app.instance.created", "2030-01-01T10:00:00Z");
        ObjectNode late = publish("50001", null, "app.instance.created", "2030-01-01T12:00:00Z");

        assertThat(ids(get(appFeed("from=" + encode("2022-02-14 07:22:19Z")), agency))).containsExactly(id(early), id(late));
        assertThat(ids(get(appFeed("from=2023-02-16T18:00Z"), agency))).containsExactly(id(early), id(late));
        assertThat(ids(get(appFeed("from=2030-01-01T11:00:00"), agency))).containsExactly(id(late));
        assertThat(ids(get(appFeed("from=" + encode("2030-01-01 11:00")), agency))).containsExactly(id(late));
        assertThat(ids(get(appFeed("from=2030-01-01T11:00:00" + encode("+02:00")), agency))).containsExactly(id(early), id(late));
        assertThat(ids(get(appFeed("from=2029-12-31&to=2030-01-01T11:00"), agency))).containsExactly(id(early));
        assertThat(get(appFeed("from=yesterday"), agency).status()).isEqualTo(400);
    }

    @Test
    void shouldMatchAUnitInBothOrganisationForms() {
        String unit = uniquePersonNumber().substring(2);
        ObjectNode org = publish("50001", "/org/" + unit);
        ObjectNode organisation = publish("50002", "/organisation/" + unit);
        publish("50003", "/org/" + (unit.equals("999999999") ? "999999998" : String.format("%09d", Long.parseLong(unit) + 1)));

        assertThat(ids(get(appFeed("after=0&unit=" + unit), agency))).containsExactly(id(org), id(organisation));
        assertThat(ids(get("/events/api/v1/app/party?after=0&unit=" + unit, agency))).containsExactly(id(org), id(organisation));
    }

    @Test
    void shouldRefuseAPartyCombinedWithAPersonOrAUnit() {
        Response withUnit = get(appFeed("after=0&party=50001&unit=910011154"), agency);
        Response withPerson = get("/events/api/v1/app/party?after=0&party=50001", agency, "person", "01017012345");

        assertThat(withUnit.status()).isEqualTo(400);
        assertThat(withUnit.json().get("errors").get(0).get("field").asString()).isEqualTo("party");
        assertThat(withPerson.status()).isEqualTo(400);
        assertThat(withPerson.json().get("detail").asString()).contains("person");
    }
}
