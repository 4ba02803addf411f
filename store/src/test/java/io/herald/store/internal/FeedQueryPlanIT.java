package io.herald.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariDataSource;

import io.herald.store.EventPosition;
import io.herald.store.FeedPage;
import io.herald.store.FeedQuery;
import io.herald.store.IncomingEvent;
import io.herald.store.StoreProperties;
import io.herald.store.TestDatabases;
import io.herald.store.TestEvents;
import tools.jackson.databind.node.ObjectNode;

/**
 * The feed filters the platform's clients use stay index-driven: the plans PostgreSQL chooses for
 * them, over a log large enough that a scan would cost, find the rows through the index of their
 * most selective column (never a scan of a partition that holds events).
 */
class FeedQueryPlanIT {

    private static final int RESOURCES = 50;
    private static final int PARTIES = 400;
    /** The subject of a quarter of the events (5,000). */
    private static final String FREQUENT_SUBJECT = "/party/50000001";
    private static HikariDataSource dataSource;
    private static String lastId;
    /** The partition the events went to; the empty ones beside it are rightly scanned at no cost. */
    private static String filled;

    @BeforeAll
    static void fillTheLog() throws SQLException {
        dataSource = TestDatabases.migrated("herald_feed_plan_it", 4);
        new PartitionMaintenance(dataSource, Clock.systemUTC(), StoreProperties.defaults()).run();
        try (var store = new PostgresEventStore(dataSource, Clock.systemUTC(), StoreProperties.defaults())) {
            for (int batch = 0; batch < 40; batch++) {
                List<IncomingEvent> events = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    int n = batch * 500 + i;
                    ObjectNode event = TestEvents.json("urn:altinn:resource:app_ttd_app" + (n % RESOURCES));
                    event.put("type", n % 2 == 0 ? "app.instance.created" : "app.instance.process.completed");
                    event.put("subject", n % 4 == 1 ? FREQUENT_SUBJECT : "/party/" + (n % PARTIES));
                    event.put("alternativesubject", (n % 3 == 0 ? "/organisation/" : "/org/") + String.format("%09d", n % PARTIES));
                    event.put("resourceinstance", (50_000_000 + n % PARTIES) + "/" + UUID.nameUUIDFromBytes(("instance" + n % 5_000).getBytes()));
                    events.add(TestEvents.parse(event));
                    lastId = event.get("id").asString();
                }
                store.append(events);
            }
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.createStatement().execute("ANALYZE event; ANALYZE event_key");
            try (ResultSet row = connection.createStatement().executeQuery("SELECT tableoid::regclass::text FROM event LIMIT 1")) {
                row.next();
                filled = row.getString(1);
            }
        }
    }

    @AfterAll
    static void stop() {
        dataSource.close();
    }

    private static String plan(FeedReader.Statement statement) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement explain = statement.prepare(connection, "EXPLAIN ");
                ResultSet rows = explain.executeQuery()) {
            var plan = new StringBuilder();
            while (rows.next()) {
                plan.append(rows.getString(1)).append('\n');
            }
            return plan.toString();
        }
    }

    private static String plan(FeedQuery query) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return plan(new FeedReader().page(connection, query));
        }
    }

    @Test
    void shouldReadAUnitInBothOrganisationFormsAsTwoOrderedIndexRanges() throws SQLException {
        String plan = plan(FeedQuery.after(EventPosition.START, 50)
                .withAlternativeSubjects(List.of("/org/000000007", "/organisation/000000007"))
                .withTypes(List.of("APP.INSTANCE.%"))
                .withSources(List.of("https://apps.example/%")));

        assertThat(plan).doesNotContain("Seq Scan on " + filled + " ");
        assertThat(hashRanges(plan, "alternative_subject")).as("an index range per form").hasSize(2);
    }

    @Test
    void shouldReadASubjectFeedAlongTheSubjectsHashIndex() throws SQLException {
        String plan = plan(FeedQuery.after(EventPosition.START, 50).withSubject("/party/7"));

        assertThat(plan).doesNotContain("Seq Scan on " + filled + " ");
        assertThat(hashRanges(plan, "subject")).hasSize(1);
    }

    /**
     * A subject with many events is read along its index in log order, a page's worth: PostgreSQL must not take the
     * hash's condition for a rare one and read all of them to sort them (ADR 0025).
     */
    @Test
    void shouldReadAFrequentSubjectsPageInLogOrderWithoutSortingItsEvents() throws SQLException {
        String plan = plan(FeedQuery.after(EventPosition.START, 50).withSubject(FREQUENT_SUBJECT));

        assertThat(hashRanges(plan, "subject")).hasSize(1);
        assertThat(plan).doesNotContain("Bitmap Heap Scan on " + filled + " ").doesNotContain("Sort  (");
    }

    @Test
    void shouldReadAnInstanceFeedAlongTheInstancesHashIndex() throws SQLException {
        String instance = UUID.nameUUIDFromBytes("instance7".getBytes()).toString();
        String plan = plan(FeedQuery.after(EventPosition.START, 50).withInstanceId(instance));

        assertThat(plan).doesNotContain("Seq Scan on " + filled + " ");
        assertThat(hashRanges(plan, "instance_id")).hasSize(1);
    }

    /** The hashes (V54) that bound index ranges of {@code column} in the plan (a partition's scans share one). */
    private static Set<String> hashRanges(String plan, String column) {
        Set<String> ranges = new HashSet<>();
        Matcher range = Pattern.compile("Index Cond: \\(\\(hashtextextended\\(" + column + ", '0'::bigint\\) = ([^)]+)\\)").matcher(plan);
        while (range.find()) {
            ranges.add(range.group(1));
        }
        return ranges;
    }

    @Test
    void shouldReadAResourceFeedWithTypePatternsAlongTheResourceIndex() throws SQLException {
        String plan = plan(FeedQuery.after(EventPosition.START, 50)
                .withResource("urn:altinn:resource:app_ttd_app7")
                .withTypes(List.of("app.instance.created", "%.completed")));

        assertThat(plan).doesNotContain("Seq Scan on " + filled + " ");
        assertThat(plan).contains("Index Cond: ((resource = 'urn:altinn:resource:app_ttd_app7'::text)");
    }

    @Test
    void shouldFindAnEventIdThroughTheKeysPrimaryKey() throws SQLException {
        String plan = plan(new FeedReader().positionOf(lastId, "urn:altinn:resource:app_ttd_app7"));

        // the key's digest leads with the id's own (V53): one index serves both idempotency and this look-up
        assertThat(plan).contains("event_key_pkey").contains("Index Cond: ((digest >= ").doesNotContain("Seq Scan on event_key");
    }

    @Test
    void shouldFindAnEventIdWithoutAResourceThroughTheKeysPrimaryKey() throws SQLException {
        String plan = plan(new FeedReader().positionOf(lastId, null));

        assertThat(plan).contains("event_key_pkey").contains("Index Cond: ((digest >= ").doesNotContain("Seq Scan on event_key");
    }

    /**
     * A full page's cursor is its last event, so the head (the last position below the horizon) is looked up only
     * for a page that is not full: its scan of the {@code (tx, seq)} index is never run for a full one.
     */
    @Test
    void shouldLookUpTheHeadOnlyForAPageThatIsNotFull() throws SQLException {
        FeedQuery full = FeedQuery.after(EventPosition.START, 50).withResource("urn:altinn:resource:app_ttd_app7");
        FeedQuery shortPage = FeedQuery.after(EventPosition.START, 5_000).withResource("urn:altinn:resource:app_ttd_app7");

        assertThat(headScans(full)).as("a full page").allMatch(line -> line.contains("never executed")).isNotEmpty();
        assertThat(headScans(shortPage)).as("a short page").noneMatch(line -> line.contains("never executed")).isNotEmpty();
        try (Connection connection = dataSource.getConnection()) {
            FeedReader reader = new FeedReader();
            FeedPage page = reader.read(connection, full);
            assertThat(page.events()).hasSize(50);
            assertThat(page.next()).isEqualTo(page.events().get(49).position());
            FeedPage last = reader.read(connection, shortPage);
            assertThat(last.events()).hasSize(20_000 / RESOURCES);
            assertThat(last.next()).as("the head, past this resource's last event").isNotEqualTo(last.events().get(last.events().size() - 1).position());
        }
    }

    /** The lines of the executed plan that scan the {@code (tx, seq)} index backwards: the head's look-up. */
    private static List<String> headScans(FeedQuery query) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement explain = new FeedReader().page(connection, query).prepare(connection, "EXPLAIN (ANALYZE, COSTS OFF) ");
                ResultSet rows = explain.executeQuery()) {
            List<String> lines = new ArrayList<>();
            while (rows.next()) {
                if (rows.getString(1).contains("Scan Backward")) {
                    lines.add(rows.getString(1));
                }
            }
            return lines;
        }
    }
}
