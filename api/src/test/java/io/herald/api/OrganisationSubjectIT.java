package io.herald.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;

import tools.jackson.databind.node.ObjectNode;

/**
 * An organisation written {@code /organisation/{number}} — as the platform's Correspondence
 * documentation tells organisations to subscribe, and as its events name them — is the same party as
 * {@code /org/{number}}: its owner may subscribe with it, and it matches events written either way.
 */
class OrganisationSubjectIT extends ApiTestSupport {

    private static final String HOOKS = "/hooks/organisation/";

    @Autowired
    private JdbcTemplate jdbc;

    private final WireMockServer endpoint = new WireMockServer(options().dynamicPort());
    private final String resource = uniqueResource();

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
    void shouldLetAnOrganisationSubscribeToItselfAsOrganisationAndReceiveEventsWrittenEitherWay() {
        String number = digits();
        String organisation = identityToken(Map.of("orgNumber", number));
        long own = createActive(subscription("own", "/organisation/" + number), organisation);
        long marker = createActive(subscription("marker", null), agencyToken(TEST_AGENCY));

        String asOrg = publish("/org/" + number);
        String asOrganisation = publish("/organisation/" + number);
        String another = publish("/organisation/" + digits());
        await().atMost(Duration.ofSeconds(20)).until(() -> delivered(marker, another) && delivered(marker, asOrg)
                && delivered(marker, asOrganisation));

        assertThat(delivered(own, asOrg)).as("written /org/").isTrue();
        assertThat(delivered(own, asOrganisation)).as("written /organisation/").isTrue();
        assertThat(delivered(own, another)).as("another organisation's").isFalse();
    }

    @Test
    void shouldStillRefuseAnOrganisationSubscribingToAnotherOrganisation() {
        String organisation = identityToken(Map.of("orgNumber", digits()));

        Response refused = post("/events/api/v1/subscriptions", "application/json",
                subscription("other", "/organisation/" + digits()).toString(), organisation);

        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
    }

    private String publish(String alternativeSubject) {
        ObjectNode event = cloudEvent(resource);
        event.put("subject", "/party/" + ThreadLocalRandom.current().nextInt(1, 99999999));
        event.put("alternativesubject", alternativeSubject);
        Response response = post("/events/api/v1/events", "application/cloudevents+json", event.toString(), publisherTokenFor(resource));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().get("position").asString();
    }

    private long createActive(ObjectNode body, String token) {
        Response created = post("/events/api/v1/subscriptions", "application/json", body.toString(), token);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long id = created.json().get("id").asLong();
        await().atMost(Duration.ofSeconds(20)).until(() -> get("/events/api/v1/subscriptions/" + id, token)
                .json().get("validated").asBoolean());
        return id;
    }

    private ObjectNode subscription(String hook, String alternativeSubject) {
        ObjectNode body = JSON.createObjectNode();
        body.put("endPoint", "http://127.0.0.1:" + endpoint.port() + HOOKS + hook + UUID.randomUUID());
        body.put("resourceFilter", resource);
        if (alternativeSubject != null) {
            body.put("alternativeSubjectFilter", alternativeSubject);
        }
        return body;
    }

    private boolean delivered(long subscription, String position) {
        String[] parts = position.split("-");
        return jdbc.queryForObject("SELECT count(*) FROM delivery WHERE subscription_id = ? AND event_tx = ? AND event_seq = ?",
                Integer.class, subscription, Long.parseLong(parts[0]), Long.parseLong(parts[1])) == 1;
    }

    private static String digits() {
        return String.valueOf(ThreadLocalRandom.current().nextLong(100_000_000L, 1_000_000_000L));
    }
}
