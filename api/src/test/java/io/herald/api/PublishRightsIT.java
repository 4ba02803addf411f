package io.herald.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.herald.subscriptions.SubscriptionFilter;
import io.herald.subscriptions.TestSubscriptions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Who may publish what: an agency publishes to its own apps' resources and to what a grant gives
 * it; a platform component (no agency in its token) only where a grant for its subject lets it; a
 * person never; nobody to Herald's own {@code urn:herald:…}. A refused request stores nothing, so
 * nothing is pushed.
 */
@TestPropertySource(properties = {
        "herald.publish-rights.grants.digdir=urn:altinn:resource:digdir-",
        "herald.publish-rights.grants[local-user]=urn:altinn:resource:platform-",
        "spring.quartz.scheduler-name=herald-publish-rights-it"})
class PublishRightsIT extends ApiTestSupport {

    private static final String EVENTS = "/events/api/v1/events";
    private static final String CE = "application/cloudevents+json";
    private static final String BATCH = "application/cloudevents-batch+json";

    @Autowired
    private JdbcTemplate jdbc;
    @Autowired
    private PlatformTransactionManager transactionManager;

    private List<String> storedIds(String resource) {
        String agency = resource.substring("urn:altinn:resource:app_".length()).split("_")[0];
        Response response = get(EVENTS + "?after=0&size=1000&resource=" + encode(resource), agencyToken(agency));
        assertThat(response.status()).isEqualTo(200);
        return JSON.readValue(response.body(), ArrayNode.class).valueStream().map(e -> e.get("id").asString()).toList();
    }

    private int deliveries(long subscription) {
        return jdbc.queryForObject("SELECT count(*) FROM delivery WHERE subscription_id = ?", Integer.class, subscription);
    }

    private static void assertForbidden(Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(403);
        assertThat(response.json().get("code").asString()).isEqualTo("forbidden");
    }

    @Test
    void shouldRefuseAnAgencyPublishingToAnotherAgencysAppAndStoreAndPushNothing() {
        String app = "demo" + UUID.randomUUID().toString().substring(0, 8);
        String resource = "urn:altinn:resource:app_ttd_" + app;
        long subscription = new TestSubscriptions(jdbc, new TransactionTemplate(transactionManager))
                .createValidated(new SubscriptionFilter(resource, null, null, null, null, false));
        String skd = agencyToken("skd", PUBLISH);
        ObjectNode appEvent = JSON.createObjectNode()
                .put("source", "https://ttd.apps.example/ttd/" + app + "/instances/50001/" + UUID.randomUUID())
                .put("type", "app.instance.created");
        ObjectNode eventGrid = JSON.createObjectNode()
                .put("id", UUID.randomUUID().toString())
                .put("topic", "/ttd/" + app + "/instances/50001/" + UUID.randomUUID())
                .put("eventType", "app.instance.created")
                .put("eventTime", "2026-11-27T10:15:30Z");

        assertForbidden(post(EVENTS, CE, cloudEvent(resource).toString(), skd));
        assertForbidden(post(EVENTS, BATCH, JSON.createArrayNode()
                .add(cloudEvent("urn:altinn:resource:app_skd_" + app)).add(cloudEvent(resource)).toString(), skd));
        assertForbidden(post("/events/api/v1/app", "application/json", appEvent.toString(), skd));
        assertForbidden(post("/events", "application/json", eventGrid.toString(), skd));
        assertForbidden(post("/events", "application/json", JSON.createArrayNode().add(cloudEvent(resource)).toString(), skd));

        ObjectNode own = cloudEvent(resource);
        Response published = post(EVENTS, CE, own.toString(), publisherToken());
        assertThat(published.status()).as("ttd publishes to its own app").isEqualTo(200);
        assertThat(storedIds(resource)).containsExactly(own.get("id").asString());
        assertThat(storedIds("urn:altinn:resource:app_skd_" + app)).as("the batch was all or nothing").isEmpty();
        await().atMost(Duration.ofSeconds(20)).until(() -> deliveries(subscription) > 0);
        assertThat(deliveries(subscription)).as("only ttd's own event is pushed").isEqualTo(1);
    }

    @Test
    void shouldRefuseAForgedHeraldNoticeFromEveryPublisher() {
        ObjectNode notice = cloudEvent("urn:herald:subscriptions");
        notice.put("source", "urn:herald:subscriptions");
        notice.put("type", "platform.events.subscription.disabled");
        notice.put("subject", "/org/ttd");

        assertForbidden(post(EVENTS, CE, notice.toString(), agencyToken("skd", PUBLISH)));
        assertForbidden(post(EVENTS, CE, notice.toString(), publisherToken()));
        assertForbidden(post(EVENTS, CE, notice.toString(), agencyToken("digdir", PUBLISH)));
        assertForbidden(post(EVENTS, CE, notice.toString(), token(PUBLISH)));
        Response notices = get(EVENTS + "?after=0&resource=urn:herald:subscriptions&subject=/org/ttd", agencyToken(TEST_AGENCY));
        assertThat(notices.status()).isEqualTo(200);
        assertThat(notices.json().valueStream().map(e -> e.get("id").asString())).doesNotContain(notice.get("id").asString());
    }

    @Test
    void shouldRefuseAPersonEvenWithThePublishScope() {
        String resource = uniqueResource();

        assertForbidden(post(EVENTS, CE, cloudEvent(resource).toString(), identityToken(Map.of("pid", "01017012345"), PUBLISH)));
        assertForbidden(post(EVENTS, CE, cloudEvent(resource).toString(),
                identityToken(Map.of("orgNumber", "910011154"), PUBLISH)));
        assertThat(storedIds(resource)).isEmpty();
    }

    @Test
    void shouldLetAGrantedPublisherPublishUnderItsPrefixesOnly() {
        String granted = "urn:altinn:resource:digdir-" + UUID.randomUUID();

        assertThat(post(EVENTS, CE, cloudEvent(granted).toString(), agencyToken("digdir", PUBLISH)).status()).isEqualTo(200);
        assertThat(post(EVENTS, CE, cloudEvent("urn:altinn:resource:platform-" + UUID.randomUUID()).toString(), token(PUBLISH))
                .status()).as("a platform component granted by its subject").isEqualTo(200);
        assertForbidden(post(EVENTS, CE, cloudEvent(uniqueResource()).toString(), agencyToken("digdir", PUBLISH)));
        assertForbidden(post(EVENTS, CE, cloudEvent(uniqueResource()).toString(), token(PUBLISH)));
        assertForbidden(post(EVENTS, CE, cloudEvent(granted).toString(), agencyToken("skd", PUBLISH)));
    }

    @Test
    void shouldNotLetAnotherPublishersEarlierSourceAndIdBlockTheRightfulPublisher() {
        String app = "squat" + UUID.randomUUID().toString().substring(0, 8);
        ObjectNode squatter = cloudEvent("urn:altinn:resource:app_skd_" + app);
        ObjectNode rightful = cloudEvent("urn:altinn:resource:app_ttd_" + app)
                .put("id", squatter.get("id").asString())
                .put("source", squatter.get("source").asString());
        assertThat(post(EVENTS, CE, squatter.toString(), agencyToken("skd", PUBLISH)).status())
                .as("skd takes ttd's (source, id) first, in its own resource").isEqualTo(200);

        Response first = post(EVENTS, CE, rightful.toString(), publisherToken());
        Response retry = post(EVENTS, CE, rightful.toString(), publisherToken());

        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(retry.status()).as("the rightful publisher's retry is still idempotent").isEqualTo(200);
        assertThat(retry.json().get("position").asString()).isEqualTo(first.json().get("position").asString());
        assertThat(storedIds("urn:altinn:resource:app_ttd_" + app)).containsExactly(rightful.get("id").asString());
        JsonNode changed = rightful.deepCopy().put("type", "app.instance.changed");
        assertThat(post(EVENTS, CE, changed.toString(), publisherToken()).status())
                .as("other content under the same key in the same resource is still a conflict").isEqualTo(409);
    }
}
