package io.herald.store.cosmos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Period;

import org.junit.jupiter.api.Test;

import io.herald.store.EventPosition;
import io.herald.store.StoredEvent;
import io.herald.store.TestEvents;
import tools.jackson.databind.node.ObjectNode;

class EventDocumentsTest {

    @Test
    void shouldHashAResourceAsPostgresHeraldLogRangeDoes() {
        // PostgreSQL 15: SELECT ('x' || substr(md5('urn:altinn:resource:app_ttd_demo'), 1, 8))::bit(32)::bigint
        assertThat(io.herald.store.LogRange.hash("urn:altinn:resource:app_ttd_demo")).isEqualTo(28_784_894L);
    }

    @Test
    void shouldKeepASubjectlessEventInItsSourcesPartitionAndNeverMatchItAsASubject() {
        ObjectNode json = TestEvents.json("urn:altinn:resource:app_ttd_demo");
        var event = TestEvents.parse(json);

        var doc = EventDocuments.event(event, new EventPosition(7, 1), java.time.Instant.parse("2026-11-27T08:00:00Z"));
        StoredEvent stored = EventDocuments.stored(doc);

        assertThat(doc.get("subject").asText()).isEqualTo("~" + event.key().source());
        assertThat(stored.subject()).isNull();
        assertThat(stored.position()).isEqualTo(new EventPosition(7, 1));
        assertThat(stored.json()).isEqualTo(event.json());
    }

    @Test
    void shouldKeepEventsAtLeastAsLongAsTheRetentionSays() {
        assertThat(CosmosContainers.retentionSeconds(Period.ofMonths(3))).isEqualTo(93 * 86_400);
        assertThat(CosmosContainers.retentionSeconds(Period.ofDays(10))).isEqualTo(10 * 86_400);
    }
}
