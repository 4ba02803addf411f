package io.herald.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.herald.subscriptions.TestSubscriptions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The subscription API: create, list, read, pause, resume and delete, each confined to the caller's own. */
class SubscriptionApiIT extends ApiTestSupport {

    private static final String SUBSCRIPTIONS = "/events/api/v1/subscriptions";
    private static final String JSON_TYPE = "application/json";
    private static final String RESOURCE = "urn:altinn:resource:app_ttd_apply";
    // Nothing listens here: the handshake fails and the subscription stays pending-validation.
    private static final String ENDPOINT = "http://127.0.0.1:1/herald-hook";

    @Autowired
    private JdbcTemplate jdbc;
    @Autowired
    private PlatformTransactionManager transactionManager;

    private String org;
    private String agency;

    @BeforeEach
    void agency() {
        org = newOrg();
        agency = tokenFor(Map.of("org", org));
    }

    @Test
    void shouldCreateASubscriptionAndShowItsSecretOnlyInTheAnswer() {
        ObjectNode body = subscription();
        body.put("sourceFilter", "https://ttd.apps.example/ttd/apply");
        body.put("subjectFilter", "/party/50001");
        body.put("alternativeSubjectFilter", "/org/910011154");
        body.put("typeFilter", "app.instance.process.*");
        body.put("includeSubunits", true);

        Response created = post(SUBSCRIPTIONS, JSON_TYPE, body.toString(), agency);

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode json = created.json();
        long id = json.get("id").asLong();
        assertThat(created.header("Location")).isEqualTo("http://127.0.0.1:" + port + SUBSCRIPTIONS + "/" + id);
        String secret = json.get("secret").asString();
        assertThat(secret).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(secret.substring("whsec_".length()))).hasSize(32);
        assertThat(json.get("endPoint").asString()).isEqualTo(ENDPOINT);
        assertThat(json.get("resourceFilter").asString()).isEqualTo(RESOURCE);
        assertThat(json.get("sourceFilter").asString()).isEqualTo("https://ttd.apps.example/ttd/apply");
        assertThat(json.get("subjectFilter").asString()).isEqualTo("/party/50001");
        assertThat(json.get("alternativeSubjectFilter").asString()).isEqualTo("/org/910011154");
        assertThat(json.get("typeFilter").asString()).isEqualTo("app.instance.process.*");
        assertThat(json.get("includeSubunits").asBoolean()).isTrue();
        assertThat(json.get("consumer").asString()).isEqualTo("/org/" + org);
        assertThat(json.get("createdBy").asString()).isEqualTo(org);
        assertThat(Instant.parse(json.get("created").asString())).isBefore(Instant.now().plusSeconds(60));
        assertThat(json.get("status").asString()).isEqualTo("pending-validation");
        assertThat(json.get("validated").isBoolean()).as("a boolean, as the platform's clients read it").isTrue();
        assertThat(json.get("validated").asBoolean()).isFalse();
        assertThat(json.get("validatedAt").isNull()).isTrue();

        Response read = get(created.header("Location"), agency);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json().has("secret")).isFalse();
        ObjectNode withoutSecret = ((ObjectNode) json.deepCopy());
        withoutSecret.remove("secret");
        // the handshake may have made an attempt in between
        withoutSecret.remove("handshake");
        ObjectNode readBack = ((ObjectNode) read.json().deepCopy());
        readBack.remove("handshake");
        assertThat(readBack).isEqualTo(withoutSecret);
        assertThat(get(SUBSCRIPTIONS, agency).json().get("subscriptions").get(0).has("secret")).isFalse();
    }

    @Test
    void shouldLeaveOutFiltersThatWereNotGiven() {
        JsonNode json = create(agency).json();

        assertThat(json.get("sourceFilter").isNull()).isTrue();
        assertThat(json.get("subjectFilter").isNull()).isTrue();
        assertThat(json.get("alternativeSubjectFilter").isNull()).isTrue();
        assertThat(json.get("typeFilter").isNull()).isTrue();
        assertThat(json.get("includeSubunits").asBoolean()).isFalse();
    }

    @Test
    void shouldTakeTheConsumerAndTheCreatorFromTheToken() {
        String pid = "1" + digits(10);
        String orgNumber = digits(9);

        JsonNode forAgency = create(tokenFor(Map.of("org", org, "pid", pid))).json();
        assertThat(forAgency.get("consumer").asString()).isEqualTo("/org/" + org);
        assertThat(forAgency.get("createdBy").asString()).isEqualTo(pid);

        JsonNode forPerson = create(tokenFor(Map.of("pid", pid))).json();
        assertThat(forPerson.get("consumer").asString()).isEqualTo("/person/" + pid);
        assertThat(forPerson.get("createdBy").asString()).isEqualTo(pid);

        JsonNode forOrganisation = create(tokenFor(Map.of("orgNumber", orgNumber))).json();
        assertThat(forOrganisation.get("consumer").asString()).isEqualTo("/organisation/" + orgNumber);
        assertThat(forOrganisation.get("createdBy").asString()).isEqualTo(orgNumber);

        Response forSubject = post(SUBSCRIPTIONS, JSON_TYPE, subscription().toString(), token(SUBSCRIBE, "altinn:events/ttd/apply"));
        assertThat(forSubject.status()).as("a token without identity owns nothing").isEqualTo(403);
        assertThat(forSubject.json().get("code").asString()).isEqualTo("forbidden");
    }

    @Test
    void shouldShowAndChangeOnlyTheCallersOwnSubscriptions() {
        long first = create(agency).json().get("id").asLong();
        long second = create(agency, subscription().put("typeFilter", "app.instance.created")).json().get("id").asLong();
        String otherAgency = tokenFor(Map.of("org", newOrg()));

        Response mine = get(SUBSCRIPTIONS, agency);
        assertThat(mine.status()).isEqualTo(200);
        assertThat(ids(mine.json())).containsExactly(first, second);

        Response theirs = get(SUBSCRIPTIONS, otherAgency);
        assertThat(theirs.status()).isEqualTo(200);
        assertThat(theirs.json().get("count").asInt()).isZero();
        assertThat(theirs.json().get("subscriptions").size()).isZero();
        assertNotFound(get(SUBSCRIPTIONS + "/" + first, otherAgency));
        assertNotFound(post(SUBSCRIPTIONS + "/" + first + "/pause", JSON_TYPE, "", otherAgency));
        assertNotFound(post(SUBSCRIPTIONS + "/" + first + "/resume", JSON_TYPE, "", otherAgency));
        assertNotFound(delete(SUBSCRIPTIONS + "/" + first, otherAgency));

        assertThat(get(SUBSCRIPTIONS + "/" + first, agency).status()).isEqualTo(200);
        assertThat(ids(get(SUBSCRIPTIONS, agency).json())).containsExactly(first, second);
    }

    @Test
    void shouldAnswer404ForAnIdThatDoesNotExistAsForAnotherConsumers() {
        long other = create(tokenFor(Map.of("org", newOrg()))).json().get("id").asLong();
        Response foreign = get(SUBSCRIPTIONS + "/" + other, agency);
        Response missing = get(SUBSCRIPTIONS + "/" + Long.MAX_VALUE, agency);

        assertNotFound(foreign);
        assertNotFound(missing);
        assertThat(foreign.json().get("detail").asString()).isEqualTo("there is no subscription " + other);
        assertThat(missing.json().get("detail").asString()).isEqualTo("there is no subscription " + Long.MAX_VALUE);
    }

    @Test
    void shouldDeleteAndThenAnswer404() {
        long id = create(agency).json().get("id").asLong();

        Response deleted = delete(SUBSCRIPTIONS + "/" + id, agency);

        assertThat(deleted.status()).as("as the platform answers").isEqualTo(200);
        assertThat(deleted.body()).isEmpty();
        assertNotFound(get(SUBSCRIPTIONS + "/" + id, agency));
        assertNotFound(delete(SUBSCRIPTIONS + "/" + id, agency));
        assertThat(ids(get(SUBSCRIPTIONS, agency).json())).doesNotContain(id);
    }

    @Test
    void shouldPauseAndResumeAValidatedSubscription() {
        long id = create(agency).json().get("id").asLong();
        new TestSubscriptions(jdbc, new TransactionTemplate(transactionManager)).validate(id);
        JsonNode active = get(SUBSCRIPTIONS + "/" + id, agency).json();
        assertThat(active.get("status").asString()).isEqualTo("active");
        assertThat(active.get("validated").asBoolean()).isTrue();
        assertThat(Instant.parse(active.get("validatedAt").asString())).isNotNull();

        Response paused = post(SUBSCRIPTIONS + "/" + id + "/pause", JSON_TYPE, "", agency);
        assertThat(paused.status()).isEqualTo(200);
        assertThat(paused.json().get("status").asString()).isEqualTo("paused");
        assertThat(paused.json().has("secret")).isFalse();
        assertThat(get(SUBSCRIPTIONS + "/" + id, agency).json().get("status").asString()).isEqualTo("paused");

        Response resumed = post(SUBSCRIPTIONS + "/" + id + "/resume", JSON_TYPE, "", agency);
        assertThat(resumed.status()).isEqualTo(200);
        assertThat(resumed.json().get("status").asString()).isEqualTo("active");
        assertThat(get(SUBSCRIPTIONS + "/" + id, agency).json().get("status").asString()).isEqualTo("active");
    }

    /** Found while documenting the API: a subscriber could not see why its subscription stayed pending. */
    @Test
    void shouldShowHowTheHandshakeIsGoingUntilValidated() {
        long id = create(agency).json().get("id").asLong();

        await().atMost(Duration.ofSeconds(20)).until(() ->
                get(SUBSCRIPTIONS + "/" + id, agency).json().get("handshake").get("attempts").asInt() >= 1);

        JsonNode handshake = get(SUBSCRIPTIONS + "/" + id, agency).json().get("handshake");
        assertThat(handshake.get("lastError").asString()).as("nothing listens on port 1").isNotBlank();
        assertThat(handshake.get("lastError").asString()).doesNotContain("127.0.0.1:1/herald-hook");
    }

    @Test
    void shouldPauseASubscriptionStillPendingValidation() {
        long id = create(agency).json().get("id").asLong();

        Response paused = send(HttpRequest.newBuilder(url(SUBSCRIPTIONS + "/" + id + "/pause"))
                .header("Authorization", "Bearer " + agency).POST(HttpRequest.BodyPublishers.noBody()));

        assertThat(paused.status()).isEqualTo(200);
        assertThat(paused.json().get("status").asString()).as("a pause shows before the handshake succeeded").isEqualTo("paused");
    }

    static Stream<Arguments> invalidFields() {
        return Stream.of(
                Arguments.of("endPoint", null),
                Arguments.of("endPoint", "ftp://127.0.0.1/herald"),
                Arguments.of("endPoint", "/herald-hook"),
                Arguments.of("endPoint", "http://user:password@127.0.0.1:1/herald"),
                Arguments.of("endPoint", "http://127.0.0.1:1/" + "a".repeat(2048)),
                Arguments.of("resourceFilter", null),
                Arguments.of("resourceFilter", "app_ttd_apply"),
                Arguments.of("resourceFilter", "urn:altinn:resource:" + "a".repeat(1024)),
                Arguments.of("sourceFilter", "ttd apply with spaces"),
                Arguments.of("subjectFilter", ""),
                Arguments.of("subjectFilter", "/party/1\u0000"),
                Arguments.of("alternativeSubjectFilter", " "),
                Arguments.of("typeFilter", "app.*.created"),
                Arguments.of("includeSubunits", true));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("invalidFields")
    void shouldRefuseAnInvalidFieldAndNameIt(String field, Object value) {
        ObjectNode body = subscription();
        if (value == null) {
            body.remove(field);
        } else if (value instanceof Boolean flag) {
            body.put(field, flag);
        } else {
            body.put(field, (String) value);
        }

        Response refused = post(SUBSCRIPTIONS, JSON_TYPE, body.toString(), agency);

        assertProblem(refused, 400, "invalid-subscription");
        assertThat(fields(refused)).containsExactly(field);
        assertThat(get(SUBSCRIPTIONS, agency).json().get("count").asInt()).isZero();
    }

    @Test
    void shouldNameEveryInvalidFieldAtOnce() {
        String body = """
                {"endPoint": "ftp://hooks.example/", "resourceFilter": "relative", "typeFilter": "*.created",
                 "includeSubunits": true, "alternativeSubjectFilter": "/person/12247918309"}
                """;

        Response refused = post(SUBSCRIPTIONS, JSON_TYPE, body, agency);

        assertProblem(refused, 400, "invalid-subscription");
        assertThat(fields(refused)).containsExactly("endPoint", "resourceFilter", "typeFilter", "includeSubunits");
    }

    /** The platform's app library sends PascalCase members; the platform binds them regardless of case. */
    @Test
    void shouldBindMembersWhateverTheirCase() {
        String body = "{\"EndPoint\": \"" + ENDPOINT + "\", \"RESOURCEFILTER\": \"" + RESOURCE
                + "\", \"typefilter\": \"app.instance.created\", \"IncludeSubunits\": false}";

        Response created = post(SUBSCRIPTIONS, JSON_TYPE, body, agency);

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("endPoint").asString()).isEqualTo(ENDPOINT);
        assertThat(created.json().get("resourceFilter").asString()).isEqualTo(RESOURCE);
        assertThat(created.json().get("typeFilter").asString()).isEqualTo("app.instance.created");
    }

    @Test
    void shouldRefuseAMemberGivenTwiceInDifferentCases() {
        String body = "{\"endPoint\": \"" + ENDPOINT + "\", \"resourceFilter\": \"" + RESOURCE
                + "\", \"typeFilter\": \"a\", \"TypeFilter\": \"b\"}";

        Response refused = post(SUBSCRIPTIONS, JSON_TYPE, body, agency);

        assertProblem(refused, 400, "invalid-subscription");
        assertThat(fields(refused)).containsExactly("typeFilter");
    }

    /** The platform ignores members it does not know, its own test data sends consumer: they are never trusted. */
    @Test
    void shouldIgnoreUnknownMembersAndTakeTheConsumerAndTheCreatorOnlyFromTheToken() {
        ObjectNode body = subscription();
        body.put("consumer", "/org/someone-else");
        body.put("createdBy", "someone-else");
        body.put("validated", true);
        body.put("somethingNew", 42);

        Response created = post(SUBSCRIPTIONS, JSON_TYPE, body.toString(), agency);

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("consumer").asString()).isEqualTo("/org/" + org);
        assertThat(created.json().get("createdBy").asString()).isEqualTo(org);
        assertThat(created.json().get("validated").asBoolean()).isFalse();
    }

    @Test
    void shouldDeriveTheResourceFilterFromAnAppsSourceFilter() {
        ObjectNode body = subscription();
        body.remove("resourceFilter");
        body.put("sourceFilter", "https://ttd.apps.tt02.altinn.no/ttd/apply");

        Response created = post(SUBSCRIPTIONS, JSON_TYPE, body.toString(), agency);

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("resourceFilter").asString()).isEqualTo("urn:altinn:resource:app_ttd_apply");
        assertThat(created.json().get("sourceFilter").asString()).isEqualTo("https://ttd.apps.tt02.altinn.no/ttd/apply");
    }

    @Test
    void shouldRefuseAResourceFilterThatIsNotTheAppOfTheSourceFilter() {
        ObjectNode body = subscription();
        body.put("sourceFilter", "https://ttd.apps.tt02.altinn.no/ttd/other");

        Response refused = post(SUBSCRIPTIONS, JSON_TYPE, body.toString(), agency);

        assertProblem(refused, 400, "invalid-subscription");
        assertThat(fields(refused)).containsExactly("resourceFilter");
    }

    /** Apps subscribe at every start-up: the platform answers the subscription they have, and so does Herald. */
    @Test
    void shouldAnswerTheExistingSubscriptionWhenTheSameIsPostedAgain() {
        Response first = create(agency);

        Response again = post(SUBSCRIPTIONS, JSON_TYPE, subscription().toString(), agency);

        assertThat(again.status()).as(again.body()).isEqualTo(201);
        assertThat(again.json().get("id").asLong()).isEqualTo(first.json().get("id").asLong());
        assertThat(again.json().has("secret")).as("the secret was shown once, when it was created").isFalse();
        assertThat(again.header("Location")).isEqualTo(first.header("Location"));
        assertThat(get(SUBSCRIPTIONS, agency).json().get("count").asInt()).isEqualTo(1);
        Response other = post(SUBSCRIPTIONS, JSON_TYPE, subscription().put("typeFilter", "app.instance.created").toString(), agency);
        assertThat(other.json().get("id").asLong()).as("another filter is another subscription").isNotEqualTo(first.json().get("id").asLong());
    }

    @Test
    void shouldStoreOneSubscriptionWhenTwoIdenticalArePostedAtOnce() throws Exception {
        int requests = 6;
        var start = new java.util.concurrent.CountDownLatch(1);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(requests);
        try {
            List<java.util.concurrent.Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return post(SUBSCRIPTIONS, JSON_TYPE, subscription().toString(), agency);
                }));
            }
            start.countDown();
            java.util.Set<Long> ids = new java.util.HashSet<>();
            int withSecret = 0;
            for (var answer : answers) {
                Response response = answer.get();
                assertThat(response.status()).as(response.body()).isEqualTo(201);
                ids.add(response.json().get("id").asLong());
                withSecret += response.json().has("secret") ? 1 : 0;
            }
            assertThat(ids).hasSize(1);
            assertThat(withSecret).as("only the request that created it sees the secret").isEqualTo(1);
            assertThat(get(SUBSCRIPTIONS, agency).json().get("count").asInt()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldListAsCountAndSubscriptionsAndPageOnlyWhenAsked() {
        List<Long> created = new ArrayList<>();
        for (String type : List.of("a", "b", "c")) {
            created.add(create(agency, subscription().put("typeFilter", type)).json().get("id").asLong());
        }

        JsonNode all = get(SUBSCRIPTIONS, agency).json();
        assertThat(all.get("count").asInt()).isEqualTo(3);
        assertThat(ids(all)).containsExactlyElementsOf(created);
        assertThat(all.has("next")).isFalse();

        Response firstPage = get(SUBSCRIPTIONS + "?size=2", agency);
        assertThat(firstPage.json().get("count").asInt()).isEqualTo(2);
        assertThat(ids(firstPage.json())).containsExactly(created.get(0), created.get(1));
        String next = firstPage.json().get("next").asString();
        assertThat(firstPage.header("Link")).isEqualTo("<" + next + ">; rel=\"next\"");
        Response secondPage = get(next, agency);
        assertThat(ids(secondPage.json())).containsExactly(created.get(2));
        assertThat(secondPage.json().has("next")).isFalse();
        assertProblem(get(SUBSCRIPTIONS + "?size=x", agency), 400, "invalid-parameter");
    }

    @Test
    void shouldRefuseMembersOfTheWrongType() {
        Response refused = post(SUBSCRIPTIONS, JSON_TYPE,
                "{\"endPoint\": 5, \"resourceFilter\": [\"" + RESOURCE + "\"], \"includeSubunits\": \"yes\"}", agency);

        assertProblem(refused, 400, "invalid-subscription");
        assertThat(fields(refused)).containsExactly("endPoint", "resourceFilter", "includeSubunits");
    }

    @Test
    void shouldRefuseABodyThatIsNoSubscription() {
        assertProblem(post(SUBSCRIPTIONS, JSON_TYPE, "[]", agency), 400, "invalid-subscription");
        assertProblem(post(SUBSCRIPTIONS, JSON_TYPE, "{\"endPoint\": ", agency), 400, "malformed-json");
        assertProblem(post(SUBSCRIPTIONS, JSON_TYPE, "", agency), 400, "malformed-json");
        String repeated = "{\"endPoint\": \"" + ENDPOINT + "\", \"resourceFilter\": \"" + RESOURCE
                + "\", \"typeFilter\": \"a\", \"typeFilter\": \"b\"}";
        assertProblem(post(SUBSCRIPTIONS, JSON_TYPE, repeated, agency), 400, "malformed-json");
        assertThat(post(SUBSCRIPTIONS, "text/plain", subscription().toString(), agency).status()).isEqualTo(415);
    }

    @Test
    void shouldAnswer400ForAnIdThatIsNoId() {
        for (String id : List.of("abc", "0", "-1", "1.5", "99999999999999999999")) {
            Response refused = get(SUBSCRIPTIONS + "/" + id, agency);

            assertProblem(refused, 400, "invalid-parameter");
            assertThat(fields(refused)).as(id).containsExactly("id");
        }
        assertProblem(delete(SUBSCRIPTIONS + "/abc", agency), 400, "invalid-parameter");
        assertProblem(post(SUBSCRIPTIONS + "/abc/pause", JSON_TYPE, "", agency), 400, "invalid-parameter");
    }

    @Test
    void shouldRequireATokenWithTheSubscribeScope() {
        long id = create(agency).json().get("id").asLong();
        String publishOnly = tokenFor(Map.of("org", org), PUBLISH);

        for (String token : new String[] {null, publishOnly}) {
            int expected = token == null ? 401 : 403;
            assertThat(post(SUBSCRIPTIONS, JSON_TYPE, subscription().toString(), token).status()).isEqualTo(expected);
            assertThat(get(SUBSCRIPTIONS, token).status()).isEqualTo(expected);
            assertThat(get(SUBSCRIPTIONS + "/" + id, token).status()).isEqualTo(expected);
            assertThat(post(SUBSCRIPTIONS + "/" + id + "/pause", JSON_TYPE, "", token).status()).isEqualTo(expected);
            assertThat(post(SUBSCRIPTIONS + "/" + id + "/resume", JSON_TYPE, "", token).status()).isEqualTo(expected);
            assertThat(delete(SUBSCRIPTIONS + "/" + id, token).status()).isEqualTo(expected);
        }
        Response forbidden = get(SUBSCRIPTIONS, publishOnly);
        assertThat(forbidden.json().get("code").asString()).isEqualTo("forbidden");
        assertThat(get(SUBSCRIPTIONS + "/" + id, agency).status()).isEqualTo(200);
        assertThat(ids(get(SUBSCRIPTIONS, agency).json())).containsExactly(id);
    }

    private Response create(String token) {
        return create(token, subscription());
    }

    private Response create(String token, ObjectNode body) {
        Response created = post(SUBSCRIPTIONS, JSON_TYPE, body.toString(), token);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created;
    }

    private static ObjectNode subscription() {
        ObjectNode body = JSON.createObjectNode();
        body.put("endPoint", ENDPOINT);
        body.put("resourceFilter", RESOURCE);
        return body;
    }

    private String tokenFor(Map<String, String> identity, String... scopes) {
        Map<String, Object> request = new HashMap<>(identity);
        // the app scope lets any caller subscribe to all of RESOURCE (AuthorizationMatrixIT covers who may without it)
        request.put("scopes", scopes.length == 0 ? List.of(SUBSCRIBE, "altinn:events/ttd/apply") : List.of(scopes));
        Response response = post("/local/token", JSON_TYPE, JSON.writeValueAsString(request), null);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().get("access_token").asString();
    }

    private Response delete(String path, String token) {
        var request = HttpRequest.newBuilder(url(path)).DELETE();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request);
    }

    private static void assertProblem(Response response, int status, String code) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(response.json().get("code").asString()).isEqualTo(code);
        assertThat(response.json().get("detail").asString()).isNotBlank();
    }

    private static void assertNotFound(Response response) {
        assertProblem(response, 404, "not-found");
    }

    private static List<String> fields(Response response) {
        List<String> fields = new ArrayList<>();
        response.json().get("errors").forEach(error -> fields.add(error.get("field").asString()));
        return fields;
    }

    private static List<Long> ids(JsonNode list) {
        List<Long> ids = new ArrayList<>();
        list.get("subscriptions").forEach(subscription -> ids.add(subscription.get("id").asLong()));
        return ids;
    }

    private static String newOrg() {
        return "o" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    private static String digits(int count) {
        StringBuilder digits = new StringBuilder();
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int i = 0; i < count; i++) {
            digits.append(random.nextInt(10));
        }
        return digits.toString();
    }
}
