package io.herald.api.compat;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.standardwebhooks.Webhook;

import io.herald.api.ApiTestSupport;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The platform's own subscription requests (its k6, bruno and unit-test data, under
 * {@code compat/subscriptions/}) and the app library's exact request, replayed over HTTP: each gets
 * the platform's status and a body the platform's typed clients read; Herald's pushes verify with
 * the Standard Webhooks reference verifier.
 */
class SubscriptionCompatIT extends ApiTestSupport {

    private static final String SUBSCRIPTIONS = "/events/api/v1/subscriptions";
    private static final String HOOK = "/compat/receiver";

    private final WireMockServer receiver = new WireMockServer(options().dynamicPort());
    /** A fresh app of the test agency, so replays of one file in different tests never meet. */
    private final String app = "compat" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);

    @BeforeEach
    void start() {
        receiver.start();
        receiver.stubFor(WireMock.post(urlPathEqualTo(HOOK)).willReturn(aResponse().withStatus(200)));
    }

    @AfterEach
    void stop() {
        receiver.stop();
    }

    /** k6 tests TC01–TC06: create, list, create again (the same one), read validated, delete. */
    @Test
    void shouldRunTheK6AppSubscriptionFlowWithThePlatformsStatuses() {
        String org = agencyToken(TEST_AGENCY);
        ObjectNode request = payload("k6-01-app-subscription.json");
        request.put("sourceFilter", appUrl());

        Response created = post(SUBSCRIPTIONS, "application/json", request.toString(), org);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertReadsAsPlatformSubscription(created.json());
        long id = created.json().get("id").asLong();
        assertThat(created.json().get("resourceFilter").asString()).isEqualTo("urn:altinn:resource:app_ttd_" + app);

        JsonNode list = get(SUBSCRIPTIONS, org).json();
        int count = list.get("count").asInt();
        assertThat(count).isPositive();
        assertThat(list.get("subscriptions")).anySatisfy(s -> assertThat(s.get("endPoint").asString()).isEqualTo(receiverUrl()));

        Response again = post(SUBSCRIPTIONS, "application/json", request.toString(), org);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.json().get("id").asLong()).isEqualTo(id);
        assertThat(get(SUBSCRIPTIONS, org).json().get("count").asInt()).as("TC04: the count is unchanged").isEqualTo(count);

        await().atMost(Duration.ofSeconds(20)).until(() -> get(SUBSCRIPTIONS + "/" + id, org).json().get("validated").asBoolean());
        Response read = get(SUBSCRIPTIONS + "/" + id, org);
        assertThat(read.status()).isEqualTo(200);
        assertReadsAsPlatformSubscription(read.json());

        Response deleted = send(HttpRequest.newBuilder(url(SUBSCRIPTIONS + "/" + id)).header("Authorization", "Bearer " + org).DELETE());
        assertThat(deleted.status()).isEqualTo(200);
    }

    @Test
    void shouldAcceptTheBrunoAppSubscriptionsWithTheirLowerCaseEndpointMember() {
        ObjectNode forOrg = payload("bruno-app-subscription-org.json");
        forOrg.put("sourceFilter", appUrl());
        Response byOrg = post(SUBSCRIPTIONS, "application/json", forOrg.toString(), agencyToken(TEST_AGENCY));
        assertThat(byOrg.status()).as(byOrg.body()).isEqualTo(201);
        assertThat(byOrg.json().get("endPoint").asString()).isEqualTo(receiverUrl());
        assertReadsAsPlatformSubscription(byOrg.json());

        String partyId = String.valueOf(ThreadLocalRandom.current().nextInt(50_000_000, 60_000_000));
        String user = identityToken(Map.of("pid", "0" + ThreadLocalRandom.current().nextLong(1_000_000_000L, 9_999_999_999L),
                "partyId", partyId));
        ObjectNode forPerson = payload("bruno-app-subscription-person.json", Map.of("{{AuthN_PartyId}}", partyId));
        forPerson.put("sourceFilter", appUrl());
        Response byPerson = post(SUBSCRIPTIONS, "application/json", forPerson.toString(), user);
        assertThat(byPerson.status()).as(byPerson.body()).isEqualTo(201);
        assertThat(byPerson.json().get("subjectFilter").asString()).isEqualTo("/party/" + partyId);
        assertReadsAsPlatformSubscription(byPerson.json());

        Response list = get(SUBSCRIPTIONS + "/", user);
        assertThat(list.status()).as("bruno lists with a trailing slash").isEqualTo(200);
        assertThat(list.json().get("count").asInt()).isEqualTo(1);
    }

    /**
     * The generic (non-app) subscriptions: their {@code consumer} member is ignored, never a 400; the
     * agency configured as the resource's owner ({@code herald.authorization.resource-owners}, what the
     * platform's decision point and resource registry say) gets 201 as on the platform; another agency 403.
     */
    @Test
    void shouldCreateTheGenericSubscriptionsForTheResourcesOwnerAndRefuseAnotherAgency() {
        for (String file : List.of("k6-02-generic-subscription.json", "bruno-generic-subscription-org.json")) {
            Response answer = post(SUBSCRIPTIONS, "application/json", payload(file).toString(), agencyToken(TEST_AGENCY));

            assertThat(answer.status()).as(file + ": " + answer.body()).isEqualTo(201);
            assertThat(answer.json().get("resourceFilter").asString()).isEqualTo("urn:altinn:resource:ttd-altinn-events-automated-tests");
            assertThat(answer.json().get("consumer").asString()).isEqualTo("/org/" + TEST_AGENCY);

            Response other = post(SUBSCRIPTIONS, "application/json", payload(file).toString(), agencyToken("skd"));
            assertThat(other.status()).as(file + ": " + other.body()).isEqualTo(403);
            assertThat(other.json().get("detail").asString()).contains("urn:altinn:resource:ttd-altinn-events-automated-tests");
        }
    }

    /** The platform's unit-test subscriptions, PascalCase and oddly cased ("Sourcefilter"), replayed as requests. */
    @Test
    void shouldAcceptThePlatformsUnitTestSubscriptionsAsRequests() {
        JsonNode stored = read("unit-test-subscriptions-1.json");
        List<String> accepted = new ArrayList<>();
        for (JsonNode subscription : stored) {
            String source = subscription.get("Sourcefilter").asString();
            if (!source.startsWith("https://")) {
                continue; // 9–12: the platform refuses a source filter that is not https (400); Herald need not
            }
            ObjectNode request = ((ObjectNode) subscription.deepCopy()).put("EndPoint", receiverUrl());
            Response answer = post(SUBSCRIPTIONS, "application/json", request.toString(), agencyToken(TEST_AGENCY));
            assertThat(answer.status()).as(subscription.get("Id").asString() + ": " + answer.body()).isEqualTo(201);
            assertReadsAsPlatformSubscription(answer.json());
            assertThat(answer.json().get("consumer").asString()).as("from the token, never the body").isEqualTo("/org/ttd");
            assertThat(answer.json().get("resourceFilter").asString()).isEqualTo(subscription.get("ResourceFilter").asString());
            accepted.add(subscription.get("Id").asString());
        }
        assertThat(accepted).containsExactly("1", "2", "3", "4", "5", "6", "7", "8");
    }

    /**
     * What the app library's {@code EventsSubscriptionClient.AddSubscription} sends at every start-up:
     * the same subscription comes back, and its {@code Subscription} model reads the answer.
     */
    @Test
    void shouldAnswerTheAppLibrarysRequestAtEveryStartUpWithTheSameSubscription() {
        String body = text("app-lib-subscription-request.json")
                .replace("https://ttd.apps.tt02.altinn.no/ttd/apps-test/api/v1/eventsreceiver", receiverUrl())
                .replace("https://ttd.apps.tt02.altinn.no/ttd/apps-test", appUrl());
        String appToken = identityToken(Map.of("org", TEST_AGENCY));

        Response first = post(SUBSCRIPTIONS, "application/json; charset=utf-8", body, appToken);
        Response second = post(SUBSCRIPTIONS, "application/json; charset=utf-8", body, appToken);

        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(second.status()).isEqualTo(201);
        assertThat(second.json().get("id").asLong()).isEqualTo(first.json().get("id").asLong());
        for (Response answer : List.of(first, second)) {
            assertReadsAsAppLibrarySubscription(answer.json());
        }
        assertThat(first.json().get("endPoint").asString()).as("the ?code= secret kept").endsWith("?code=secret-code");
        assertThat(first.json().get("typeFilter").asString()).isEqualTo("app.instance.process.completed");
    }

    /** Herald signs every push per Standard Webhooks: the reference verifier accepts it with the subscription's secret. */
    @Test
    void shouldSignPushesSoThatTheStandardWebhooksVerifierAcceptsThem() throws Exception {
        String resource = "urn:altinn:resource:app_ttd_" + app;
        ObjectNode request = JSON.createObjectNode().put("endPoint", receiverUrl()).put("resourceFilter", resource);
        Response created = post(SUBSCRIPTIONS, "application/json", request.toString(), agencyToken(TEST_AGENCY));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String secret = created.json().get("secret").asString();
        long id = created.json().get("id").asLong();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> get(SUBSCRIPTIONS + "/" + id, agencyToken(TEST_AGENCY)).json().get("validated").asBoolean());

        ObjectNode event = cloudEvent(resource);
        assertThat(post("/events/api/v1/events", "application/cloudevents+json", event.toString(), publisherTokenFor(resource)).status())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> !receiver.findAll(postRequestedFor(urlPathEqualTo(HOOK))
                .withRequestBody(matchingJsonPath("$.id", equalTo(event.get("id").asString())))).isEmpty());

        Webhook verifier = new Webhook(secret);
        List<LoggedRequest> pushes = receiver.findAll(postRequestedFor(urlPathEqualTo(HOOK)));
        assertThat(pushes).hasSizeGreaterThanOrEqualTo(2);
        for (LoggedRequest push : pushes) {
            assertThatCode(() -> verifier.verify(push.getBodyAsString(), headers(push))).doesNotThrowAnyException();
        }
        LoggedRequest tampered = pushes.get(pushes.size() - 1);
        assertThatCode(() -> verifier.verify(tampered.getBodyAsString() + " ", headers(tampered)))
                .as("a changed body fails").isInstanceOf(com.standardwebhooks.exceptions.WebhookVerificationException.class);
    }

    private static Map<String, List<String>> headers(LoggedRequest request) {
        Map<String, List<String>> headers = new HashMap<>();
        for (String name : List.of("webhook-id", "webhook-timestamp", "webhook-signature")) {
            headers.put(name, List.of(request.getHeader(name)));
        }
        return headers;
    }

    /** What the platform's {@code Subscription} model (and k6's checks) need: the members, with their types. */
    private static void assertReadsAsPlatformSubscription(JsonNode subscription) {
        assertReadsAsAppLibrarySubscription(subscription);
        assertThat(subscription.get("resourceFilter").isString()).isTrue();
        assertThat(subscription.get("validated").isBoolean()).as("validated is a bool").isTrue();
        assertThat(subscription.get("includeSubunits").isBoolean()).isTrue();
    }

    /** The app library's {@code Subscription}: {@code int Id}, {@code Uri} filters, {@code DateTime Created}. */
    private static void assertReadsAsAppLibrarySubscription(JsonNode subscription) {
        assertThat(subscription.get("id").isIntegralNumber() && subscription.get("id").canConvertToInt()).as("Id is an int").isTrue();
        assertThat(URI.create(subscription.get("endPoint").asString()).isAbsolute()).isTrue();
        JsonNode source = subscription.get("sourceFilter");
        assertThat(source.isNull() || URI.create(source.asString()).isAbsolute()).as("SourceFilter is a Uri").isTrue();
        for (String text : List.of("subjectFilter", "alternativeSubjectFilter", "typeFilter", "consumer", "createdBy")) {
            assertThat(subscription.get(text).isNull() || subscription.get(text).isString()).as(text).isTrue();
        }
        assertThat(OffsetDateTime.parse(subscription.get("created").asString())).isNotNull();
    }

    private String receiverUrl() {
        return "http://127.0.0.1:" + receiver.port() + HOOK;
    }

    private String appUrl() {
        return "https://ttd.apps.tt02.altinn.no/ttd/" + app;
    }

    private ObjectNode payload(String file) {
        return payload(file, Map.of());
    }

    /** The file's request with its placeholders filled and its endpoint (whatever its member's case) made the local receiver. */
    private ObjectNode payload(String file, Map<String, String> placeholders) {
        String text = text(file);
        for (var placeholder : placeholders.entrySet()) {
            text = text.replace(placeholder.getKey(), placeholder.getValue());
        }
        ObjectNode request = (ObjectNode) JSON.readTree(text);
        for (String name : new ArrayList<>(request.propertyNames())) {
            if (name.toLowerCase(Locale.ROOT).equals("endpoint")) {
                request.put(name, receiverUrl());
            }
        }
        return request;
    }

    private static JsonNode read(String file) {
        return JSON.readTree(text(file));
    }

    private static String text(String file) {
        try (InputStream in = SubscriptionCompatIT.class.getResourceAsStream("/compat/subscriptions/" + file)) {
            if (in == null) {
                throw new IllegalStateException("missing test data compat/subscriptions/" + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
