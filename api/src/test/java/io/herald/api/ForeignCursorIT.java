package io.herald.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * A cursor from another database is refused with a 400 that says so, while the cursor of a client
 * that has caught up keeps answering an empty page (docs/adr/0014-cursor-from-another-log.md).
 */
class ForeignCursorIT extends ApiTestSupport {

    @Test
    void shouldRefuseACursorThisHeraldNeverIssued() {
        String reader = agencyToken(TEST_AGENCY);

        Response response = get("/events/api/v1/events?after=999999999-1&resource=" + encode(uniqueResource()), reader);

        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(response.json().get("code").asString()).isEqualTo("unknown-cursor");
        assertThat(response.json().get("detail").asString()).contains("999999999-1").contains("after=0");
        assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo("after");
        assertThat(get("/events/api/v1/instances/" + java.util.UUID.randomUUID() + "/events?after=999999999-1", null).status())
                .isEqualTo(400);
    }

    @Test
    void shouldKeepAnsweringACaughtUpCursorAndItsPublishedPosition() {
        String resource = uniqueResource();
        Response published = post("/events/api/v1/events", "application/cloudevents+json", cloudEvent(resource).toString(),
                publisherToken());
        String reader = agencyToken(TEST_AGENCY);
        String feed = "/events/api/v1/events?after=0&resource=" + encode(resource);
        // readable once no transaction ordered before it is still open (other tests publish meanwhile)
        await().atMost(Duration.ofSeconds(20)).until(() -> get(feed, reader).json().size() == 1);
        Response first = get(feed, reader);
        assertThat(first.json()).hasSize(1);

        // caught up: each poll of the next page is empty, without a next link (clients loop while there is one),
        // and names the position to poll from again (the log's head: it moves as other events are stored)
        String caughtUp = null;
        for (int poll = 0; poll < 3; poll++) {
            Response again = get(first.header("next"), reader);
            assertThat(again.status()).as(again.body()).isEqualTo(200);
            assertThat(again.json()).isEmpty();
            assertThat(again.header("next")).isNull();
            assertThat(again.header("Herald-Position")).isNotBlank();
            caughtUp = again.header("Herald-Position");
        }
        assertThat(get("/events/api/v1/events?after=" + caughtUp + "&resource=" + encode(resource), reader).status()).isEqualTo(200);
        String position = published.header("Herald-Position");
        assertThat(get("/events/api/v1/events?after=" + position + "&resource=" + encode(resource), reader).status()).isEqualTo(200);
    }
}
