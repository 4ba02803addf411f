package io.herald.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue 6's authorization matrix, table-driven against the running Herald on the real PostgreSQL:
 * for every caller, what its feed returns and what a subscription of its own receives (push
 * decided at match time: a refused match writes no delivery row). Events are about person P and
 * person Q in agency A's app; nobody may see a party's events that the table does not allow.
 */
class AuthorizationMatrixIT extends ApiTestSupport {

    private static final String HOOKS = "/matrix/";
    private static final String ADMIN = "altinn:events.admin";

    @Autowired
    private JdbcTemplate jdbc;

    private final WireMockServer endpoint = new WireMockServer(options().dynamicPort());

    private final String agencyA = "aga" + unique(8);
    private final String agencyB = "agb" + unique(8);
    private final String app = "matrix";
    private final String resource = "urn:altinn:resource:app_" + agencyA + "_" + app;
    private final String personP = digits(11);
    private final String personQ = digits(11);
    private final String partyP = digits(9);
    private final String partyQ = digits(9);
    private final String professionalR = digits(9);
    private final String delegateD = digits(9);

    /**
     * One line of the matrix: who calls, which feed it reads and which events it must see there
     * (a status other than 200 means refused); the subscription it asks for, the status that
     * answers, and which events are pushed to it.
     */
    record Row(String name, String token, String feed, String[] headers, int feedStatus, Set<String> feedSees,
            ObjectNode subscription, int createStatus, Set<String> pushed, String postBody) {

        Row(String name, String token, String feed, String[] headers, int feedStatus, Set<String> feedSees,
                ObjectNode subscription, int createStatus, Set<String> pushed) {
            this(name, token, feed, headers, feedStatus, feedSees, subscription, createStatus, pushed, null);
        }

        /** A row for the original proposal's party feed, a POST with a body. */
        static Row partyFeedPost(String name, String token, String body, Set<String> sees) {
            return new Row(name, token, "/events/instanceeventsforparty", new String[0], 200, sees, null, 0, Set.of(), body);
        }
    }

    @BeforeEach
    void start() {
        endpoint.start();
        endpoint.stubFor(WireMock.post(urlPathMatching(HOOKS + ".*")).willReturn(aResponse().withStatus(200)));
    }

    @AfterEach
    void stop() {
        endpoint.stop();
    }

    @Test
    void shouldLetEveryCallerReadAndReceiveExactlyWhatItsRightsAllow() {
        String admin = token(ADMIN);
        String tokenA = agencyToken(agencyA);
        String tokenB = agencyToken(agencyB);
        String tokenP = identityToken(Map.of("pid", personP, "partyId", partyP));
        String tokenQ = identityToken(Map.of("pid", personQ, "partyId", partyQ));
        String tokenR = identityToken(Map.of("orgNumber", professionalR));
        String tokenD = identityToken(Map.of("orgNumber", delegateD), SUBSCRIBE, "altinn:events/" + agencyA + "/" + app);
        String tokenRWithoutDelegation = identityToken(Map.of("orgNumber", digits(9)));

        // P lets professional R read its events of the app; nobody else delegated anything
        Response delegated = post("/events/api/v1/authorization/delegations", "application/json",
                "{\"party\":\"/person/" + personP + "\",\"grantee\":\"/organisation/" + professionalR + "\",\"resource\":\"" + resource + "\"}",
                admin);
        assertThat(delegated.status()).as(delegated.body()).isEqualTo(201);
        long delegation = delegated.json().get("id").asLong();

        String appFeed = "/events/api/v1/app/" + agencyA + "/" + app + "?after=0";
        String partyFeedP = "/events/api/v1/app/party?after=0&party=" + partyP;
        String partyFeedQ = "/events/api/v1/app/party?after=0&party=" + partyQ;
        List<Row> rows = List.of(
                new Row("agency A, its app", tokenA, appFeed, new String[0], 200, Set.of("eP", "eQ"),
                        subscription("a", null), 201, Set.of("eP", "eQ")),
                new Row("agency B, A's app", tokenB, appFeed, new String[0], 403, Set.of(),
                        subscription("b", null), 403, Set.of()),
                new Row("agency B, P's party feed", tokenB, partyFeedP, new String[0], 200, Set.of(),
                        subscription("b2", "/party/" + partyP), 403, Set.of()),
                new Row("person P, own party feed", tokenP, partyFeedP, new String[0], 200, Set.of("eP"),
                        subscription("p", "/party/" + partyP), 201, Set.of("eP")),
                new Row("person P, by person number", tokenP, "/events/api/v1/app/party?after=0",
                        new String[] {"Altinn-Party-SocialSecurityNumber", personP}, 200, Set.of("eP"),
                        null, 0, Set.of()),
                new Row("person Q, P's party feed", tokenQ, partyFeedP, new String[0], 200, Set.of(),
                        subscription("q", "/party/" + partyP), 403, Set.of()),
                new Row("person Q, own party feed", tokenQ, partyFeedQ, new String[0], 200, Set.of("eQ"),
                        subscription("q2", "/party/" + partyQ), 201, Set.of("eQ")),
                new Row("professional R, delegated by P", tokenR, partyFeedP, new String[0], 200, Set.of("eP"),
                        subscription("r", "/person/" + personP), 201, Set.of("eP")),
                new Row("professional R, Q's party feed", tokenR, partyFeedQ, new String[0], 200, Set.of(),
                        subscription("r2", "/party/" + partyQ), 403, Set.of()),
                new Row("professional without delegation", tokenRWithoutDelegation, partyFeedP, new String[0], 200, Set.of(),
                        subscription("n", "/person/" + personP), 403, Set.of()),
                new Row("organisation D, delegated app scope", tokenD, appFeed, new String[0], 200, Set.of("eP", "eQ"),
                        subscription("d", null), 201, Set.of("eP", "eQ")),
                new Row("organisation D, original app feed", tokenD,
                        "/events/instanceevents/" + agencyA + "/" + app + "?from=2000-01-01T00:00:00Z", new String[0], 200,
                        Set.of("eP", "eQ"), null, 0, Set.of()),
                Row.partyFeedPost("person P, original party feed", tokenP, originalPartyFeed(personP), Set.of("eP")),
                Row.partyFeedPost("person Q, original party feed of P", tokenQ, originalPartyFeed(personP), Set.of()),
                Row.partyFeedPost("professional R, original party feed of P", tokenR, originalPartyFeed(personP), Set.of("eP")),
                Row.partyFeedPost("agency B, original party feed of P", tokenB, originalPartyFeed(personP), Set.of()),
                new Row("agency B, original app feed", tokenB,
                        "/events/instanceevents/" + agencyA + "/" + app + "?from=2000-01-01T00:00:00Z", new String[0], 403,
                        Set.of(), null, 0, Set.of()));

        // subscriptions first: they must be validated before the events are published
        SoftAssertions softly = new SoftAssertions();
        Map<String, Long> subscriptions = new java.util.HashMap<>();
        for (Row row : rows) {
            if (row.subscription() == null) {
                continue;
            }
            Response created = post("/events/api/v1/subscriptions", "application/json", row.subscription().toString(), row.token());
            softly.assertThat(created.status()).as(row.name() + ": create subscription " + created.body()).isEqualTo(row.createStatus());
            if (created.status() == 201) {
                long id = created.json().get("id").asLong();
                subscriptions.put(row.name(), id);
                await().atMost(Duration.ofSeconds(20)).until(() -> "active".equals(
                        get("/events/api/v1/subscriptions/" + id, row.token()).json().get("status").asString()));
            }
        }
        softly.assertAll();

        Map<String, String> positions = new java.util.HashMap<>();
        ObjectNode eventP = publish("eP", partyP, personP, positions);
        publish("eQ", partyQ, personQ, positions);
        await().atMost(Duration.ofSeconds(20)).until(() -> delivered(subscriptions.get("agency A, its app"), positions.get("eQ"))
                && delivered(subscriptions.get("agency A, its app"), positions.get("eP")));

        softly = new SoftAssertions();
        for (Row row : rows) {
            Response feed = row.postBody() == null ? get(row.feed(), row.token(), row.headers())
                    : post(row.feed(), "application/json", row.postBody(), row.token());
            softly.assertThat(feed.status()).as(row.name() + ": feed " + feed.body()).isEqualTo(row.feedStatus());
            if (feed.status() == 200) {
                softly.assertThat(names(feed, positions)).as(row.name() + ": feed sees").isEqualTo(new TreeSet<>(row.feedSees()));
            } else {
                softly.assertThat(feed.json().get("code").asString()).as(row.name()).isEqualTo("forbidden");
            }
            Long subscription = subscriptions.get(row.name());
            if (subscription != null) {
                Set<String> pushed = new TreeSet<>();
                for (String name : List.of("eP", "eQ")) {
                    if (delivered(subscription, positions.get(name))) {
                        pushed.add(name);
                    }
                }
                softly.assertThat(pushed).as(row.name() + ": deliveries written").isEqualTo(new TreeSet<>(row.pushed()));
            }
        }
        softly.assertAll();
        for (Row row : rows) {
            if (!row.pushed().isEmpty()) {
                String path = HOOKS + row.subscription().get("endPoint").asString().replaceAll(".*/", "");
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(receivedIds(path))
                        .as(row.name() + ": pushed").containsExactlyInAnyOrderElementsOf(row.pushed().stream()
                                .map(name -> name.equals("eP") ? eventP.get("id").asString() : idOf(name, positions)).toList()));
            }
        }

        // the instance feed: no login, the instance GUID is the capability, only that instance's events
        String guid = eventP.get("resourceinstance").asString().split("/")[1];
        assertThat(names(post("/events/instanceeventsforinstance/" + guid, "application/json", "{}", null), positions))
                .containsExactly("eP");
        assertThat(names(get("/events/api/v1/instances/" + guid + "/events?after=0", null), positions)).containsExactly("eP");
        Response wrong = post("/events/instanceeventsforinstance/" + UUID.randomUUID(), "application/json", "{}", null);
        assertThat(wrong.status()).isEqualTo(200);
        assertThat(wrong.json().size()).as("a wrong GUID sees nothing").isZero();

        // P revokes: R reads nothing more of P's and is pushed nothing new
        var revoked = send(java.net.http.HttpRequest.newBuilder(url("/events/api/v1/authorization/delegations/" + delegation))
                .header("Authorization", "Bearer " + admin).DELETE());
        assertThat(revoked.status()).isEqualTo(204);
        publish("eP2", partyP, personP, positions);
        await().atMost(Duration.ofSeconds(20)).until(() -> delivered(subscriptions.get("agency A, its app"), positions.get("eP2")));
        assertThat(delivered(subscriptions.get("person P, own party feed"), positions.get("eP2"))).isTrue();
        assertThat(delivered(subscriptions.get("professional R, delegated by P"), positions.get("eP2")))
                .as("no push to R after the revocation").isFalse();
        assertThat(names(get(partyFeedP, tokenR), positions)).as("R's feed after the revocation").isEmpty();
        long subscriptionR = subscriptions.get("professional R, delegated by P");
        Response replay = post("/events/api/v1/subscriptions/" + subscriptionR + "/replay", "application/json",
                "{\"after\":\"0\"}", tokenR);
        assertThat(replay.status()).as(replay.body()).isEqualTo(202);
        assertThat(replay.json().get("replayed").asInt()).as("a replay sends nothing R may no longer read").isZero();
        assertThat(delivered(subscriptionR, positions.get("eP2"))).isFalse();
        assertThat(names(get(partyFeedP, tokenP), positions)).containsExactly("eP", "eP2");
    }

    @Test
    void shouldLetAnOrganisationReadAndReceiveItsSubunitsEventsButNobodyElse() {
        String parent = digits(9);
        String subunit = digits(9);
        jdbc.update("INSERT INTO party_unit (parent_org_number, subunit_org_number) VALUES (?, ?)", parent, subunit);
        String tokenParent = identityToken(Map.of("orgNumber", parent));
        String tokenSubunit = identityToken(Map.of("orgNumber", subunit));
        String tokenA = agencyToken(agencyA);

        ObjectNode forParent = subscription("parent", "/org/" + parent);
        forParent.put("includeSubunits", true);
        long parentSubscription = createActive(forParent, tokenParent);
        long marker = createActive(subscription("marker", null), tokenA);
        Response bySubunit = post("/events/api/v1/subscriptions", "application/json",
                subscription("sub", "/org/" + parent).toString(), tokenSubunit);
        assertThat(bySubunit.status()).as("a subunit may not read its parent's events").isEqualTo(403);

        Map<String, String> positions = new java.util.HashMap<>();
        String guid = UUID.randomUUID().toString();
        ObjectNode event = cloudEvent(resource);
        event.put("subject", "/party/" + digits(8));
        event.put("alternativesubject", "/org/" + subunit);
        event.put("resourceinstance", "1/" + guid);
        Response published = post("/events/api/v1/events", "application/cloudevents+json", event.toString(), publisherTokenFor(resource));
        assertThat(published.status()).as(published.body()).isEqualTo(200);
        String position = published.json().get("position").asString();
        idsByName.put("eSub", event.get("id").asString());
        await().atMost(Duration.ofSeconds(20)).until(() -> delivered(marker, position));

        assertThat(delivered(parentSubscription, position)).as("pushed to the parent").isTrue();
        assertThat(names(get("/events/api/v1/app/party?after=0&unit=" + subunit, tokenParent), positions)).containsExactly("eSub");
        assertThat(names(get("/events/api/v1/app/party?after=0&unit=" + subunit, tokenSubunit), positions)).containsExactly("eSub");
        assertThat(names(get("/events/api/v1/app/party?after=0&unit=" + subunit, identityToken(Map.of("orgNumber", digits(9)))),
                positions)).as("another organisation").isEmpty();
    }

    private long createActive(ObjectNode body, String token) {
        Response created = post("/events/api/v1/subscriptions", "application/json", body.toString(), token);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long id = created.json().get("id").asLong();
        await().atMost(Duration.ofSeconds(20)).until(() -> "active".equals(
                get("/events/api/v1/subscriptions/" + id, token).json().get("status").asString()));
        return id;
    }

    private static String originalPartyFeed(String person) {
        return "{\"party\":{\"personNumber\":\"" + person + "\"},\"storedAfter\":\"2000-01-01T00:00:00Z\"}";
    }

    private ObjectNode subscription(String hook, String subject) {
        ObjectNode body = JSON.createObjectNode();
        body.put("endPoint", "http://127.0.0.1:" + endpoint.port() + HOOKS + hook);
        body.put("resourceFilter", resource);
        if (subject != null) {
            body.put(subject.startsWith("/party/") ? "subjectFilter" : "alternativeSubjectFilter", subject);
        }
        return body;
    }

    private final Map<String, String> idsByName = new java.util.HashMap<>();

    private ObjectNode publish(String name, String party, String person, Map<String, String> positions) {
        String guid = UUID.randomUUID().toString();
        ObjectNode event = cloudEvent(resource);
        event.put("source", "https://" + agencyA + ".apps.example/" + agencyA + "/" + app + "/instances/" + party + "/" + guid);
        event.put("subject", "/party/" + party);
        event.put("alternativesubject", "/person/" + person);
        event.put("resourceinstance", party + "/" + guid);
        Response response = post("/events/api/v1/events", "application/cloudevents+json", event.toString(), publisherTokenFor(resource));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        positions.put(name, response.json().get("position").asString());
        idsByName.put(name, event.get("id").asString());
        return event;
    }

    private String idOf(String name, Map<String, String> positions) {
        return idsByName.get(name);
    }

    /** The names of the events in a feed answer; an event published by another test shows as its id, and fails the check. */
    private Set<String> names(Response feed, Map<String, String> positions) {
        assertThat(feed.status()).as(feed.body()).isEqualTo(200);
        Set<String> names = new TreeSet<>();
        JSON.readValue(feed.body(), ArrayNode.class).forEach(event -> {
            String id = event.get("id").asString();
            names.add(idsByName.entrySet().stream().filter(e -> e.getValue().equals(id)).map(Map.Entry::getKey)
                    .findFirst().orElse(id));
        });
        return names;
    }

    private List<String> receivedIds(String path) {
        List<String> ids = new ArrayList<>();
        endpoint.getAllServeEvents().forEach(served -> {
            if (served.getRequest().getUrl().equals(path)) {
                var body = JSON.readTree(served.getRequest().getBodyAsString());
                if (!"platform.events.validatesubscription".equals(body.get("type").asString())) {
                    ids.add(body.get("id").asString());
                }
            }
        });
        return ids;
    }

    private boolean delivered(long subscription, String position) {
        String[] parts = position.split("-");
        return jdbc.queryForObject("SELECT count(*) FROM delivery WHERE subscription_id = ? AND event_tx = ? AND event_seq = ?",
                Integer.class, subscription, Long.parseLong(parts[0]), Long.parseLong(parts[1])) == 1;
    }

    private static String unique(int length) {
        return UUID.randomUUID().toString().replace("-", "").substring(0, length);
    }

    private static String digits(int count) {
        StringBuilder digits = new StringBuilder();
        for (int i = 0; i < count; i++) {
            digits.append(ThreadLocalRandom.current().nextInt(10));
        }
        return digits.toString();
    }
}
