package io.herald.subscriptions.internal;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.springframework.jdbc.core.JdbcTemplate;

import io.herald.subscriptions.PartyRegistry;

/** The built-in party registry: the {@code party_unit} table, asked once per batch of events. */
public class TablePartyRegistry implements PartyRegistry {

    private final JdbcTemplate jdbc;

    public TablePartyRegistry(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Map<String, Set<String>> parentsOf(Collection<String> organisationNumbers) {
        if (organisationNumbers.isEmpty()) {
            return Map.of();
        }
        Map<String, Set<String>> parents = new HashMap<>();
        jdbc.query("SELECT subunit_org_number, parent_org_number FROM party_unit WHERE subunit_org_number = ANY (?)",
                statement -> statement.setArray(1, statement.getConnection().createArrayOf("text", organisationNumbers.toArray())),
                row -> {
                    parents.computeIfAbsent(row.getString(1), k -> new HashSet<>()).add(row.getString(2));
                });
        return parents;
    }
}
