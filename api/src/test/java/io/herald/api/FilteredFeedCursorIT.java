package io.herald.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;

import io.herald.store.EventPosition;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue 6: a party feed where 999 of 1,000 consecutive events are not readable by the caller
 * still answers in one request, with the one it may read and a {@code next} beyond them all.
 */
class FilteredFeedCursorIT extends ApiTestSupport {

    @Test
    void shouldAnswerPromptlyWithANextBeyondNineHundredNinetyNineUnreadableEvents() {
        String party = String.valueOf(ThreadLocalRandom.current().nextLong(100_000_000L, 999_999_999L));
        String person = String.valueOf(ThreadLocalRandom.current().nextLong(10_000_000_000L, 99_999_999_999L));
        String professional = String.valueOf(ThreadLocalRandom.current().nextLong(100_000_000L, 999_999_999L));
        String delegated = uniqueResource();
        String other = uniqueResource();
        Response grant = post("/events/api/v1/authorization/delegations", "application/json",
                "{\"party\":\"/person/" + person + "\",\"grantee\":\"/organisation/" + professional + "\",\"resource\":\"" + delegated + "\"}",
                token("altinn:events.admin"));
        assertThat(grant.status()).as(grant.body()).isEqualTo(201);

        String publisher = publisherToken();
        String lastPosition = null;
        for (int batch = 0; batch < 10; batch++) {
            ArrayNode events = JSON.createArrayNode();
            for (int i = 0; i < 100; i++) {
                boolean readable = batch == 9 && i == 99;
                ObjectNode event = cloudEvent(readable ? delegated : other);
                event.put("subject", "/party/" + party);
                event.put("alternativesubject", "/person/" + person);
                if (readable) {
                    event.put("id", "the-readable-one-" + UUID.randomUUID());
                }
                events.add(event);
            }
            Response published = post("/events/api/v1/events", "application/cloudevents-batch+json", events.toString(), publisher);
            assertThat(published.status()).as(published.body()).isEqualTo(200);
            lastPosition = published.json().get(99).get("position").asString();
        }

        // the party itself reads all 1,000 (once the log's horizon has passed them: see docs/adr/0002-cursor.md)
        String itself = identityToken(Map.of("pid", person));
        await().atMost(Duration.ofSeconds(20)).until(() ->
                get("/events/api/v1/app/party?after=0&size=1000&party=" + party, itself).json().size() == 1000);

        String reader = identityToken(Map.of("orgNumber", professional));
        Response page = get("/events/api/v1/app/party?after=0&size=50&party=" + party, reader);

        assertThat(page.status()).as(page.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        page.json().forEach(event -> ids.add(event.get("id").asString()));
        assertThat(ids).singleElement().asString().startsWith("the-readable-one-");
        String next = page.header("next");
        EventPosition cursor = EventPosition.parse(next.replaceAll(".*[?&]after=([^&]+).*", "$1"));
        assertThat(cursor.compareTo(EventPosition.parse(lastPosition))).as("next is beyond all 1,000 events").isGreaterThanOrEqualTo(0);
        Response after = get(next, reader);
        assertThat(after.json().size()).isZero();
    }
}
