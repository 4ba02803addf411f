package io.herald.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import com.zaxxer.hikari.HikariDataSource;

import io.herald.store.LogRange;
import io.herald.store.TestDatabases;

/**
 * The log's split into ranges is computed on both sides of the connection — in SQL when a matcher
 * reads its ranges, in Java when new events tell the matcher which ranges to read — and both must
 * agree for every resource, or events would be matched late.
 */
class LogRangeIT {

    @Test
    void shouldPutEveryResourceInTheSameRangeAsTheDatabaseDoes() {
        Random random = new Random(7);
        List<String> resources = new ArrayList<>(List.of("urn:altinn:resource:app_ttd_demo", "", "ø-æ-å:ressurs", "🙂"));
        for (int i = 0; i < 2000; i++) {
            resources.add("urn:altinn:resource:app_" + Long.toHexString(random.nextLong()) + "_" + random.nextInt(1000));
        }
        try (HikariDataSource dataSource = TestDatabases.migrated("herald_log_range_it", 2)) {
            JdbcTemplate jdbc = new JdbcTemplate(dataSource);
            for (int count : new int[] {1, 7, 16, 1024}) {
                List<Integer> inDatabase = jdbc.queryForList("SELECT herald_log_range(r, ?) FROM unnest(?::text[]) WITH ORDINALITY AS u(r, n) ORDER BY n",
                        Integer.class, count, resources.toArray(String[]::new));
                List<Integer> inJava = resources.stream().map(resource -> LogRange.indexOf(resource, count)).toList();
                assertThat(inJava).as("ranges of %d", count).isEqualTo(inDatabase);
            }
        }
    }
}
