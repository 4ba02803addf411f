package io.herald.subscriptions.access;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.jdbc.core.JdbcTemplate;

import io.herald.store.TextChecks;

/**
 * The built-in decision point for a standalone deployment: delegations in the
 * {@code access_delegation} table, administered through the API. A request is permitted when the
 * party (by subject or alternative subject) delegated the resource, or all its resources, to the
 * caller; otherwise it is not applicable. One query answers a whole batch.
 */
public final class DelegationStore implements DecisionPoint {

    private static final Pattern PARTY = Pattern.compile("/person/\\d{11}|/org/\\d{9}|/party/\\d{1,18}");
    private static final Pattern GRANTEE = Pattern.compile(
            "/org/[A-Za-z0-9-]{1,64}|/person/\\d{11}|/organisation/\\d{9}|/party/\\d{1,18}");
    private static final int MAX_RESOURCE_LENGTH = 1024;

    private final JdbcTemplate jdbc;

    public DelegationStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public List<Decision> decide(List<AccessRequest> requests) {
        Set<String> grantees = new HashSet<>();
        Set<String> parties = new HashSet<>();
        for (AccessRequest request : requests) {
            grantees.add(request.caller().principal());
            addIfSet(parties, request.subject());
            addIfSet(parties, request.alternativeSubject());
        }
        grantees.remove(null);
        Set<List<String>> granted = new HashSet<>();
        if (!grantees.isEmpty() && !parties.isEmpty()) {
            jdbc.query("SELECT party, grantee, resource FROM access_delegation WHERE grantee = ANY (?) AND party = ANY (?)",
                    statement -> {
                        statement.setArray(1, statement.getConnection().createArrayOf("text", grantees.toArray()));
                        statement.setArray(2, statement.getConnection().createArrayOf("text", parties.toArray()));
                    },
                    row -> {
                        granted.add(Arrays.asList(row.getString(1), row.getString(2), row.getString(3)));
                    });
        }
        List<Decision> answers = new ArrayList<>(requests.size());
        for (AccessRequest request : requests) {
            answers.add(permits(granted, request) ? Decision.PERMIT : Decision.NOT_APPLICABLE);
        }
        return answers;
    }

    private static boolean permits(Set<List<String>> granted, AccessRequest request) {
        String grantee = request.caller().principal();
        for (String party : new String[] {request.subject(), request.alternativeSubject()}) {
            if (party != null && (granted.contains(Arrays.asList(party, grantee, request.resource()))
                    || granted.contains(Arrays.asList(party, grantee, null)))) {
                return true;
            }
        }
        return false;
    }

    /** Stores the delegation, or returns the same one stored already. */
    public Delegation grant(String party, String grantee, String resource) {
        check("party", party, PARTY, "/person/{11 digits}, /org/{9 digits} or /party/{id}");
        check("grantee", grantee, GRANTEE, "/org/{agency}, /person/{11 digits}, /organisation/{9 digits} or /party/{id}");
        if (resource != null && (resource.length() > MAX_RESOURCE_LENGTH || !TextChecks.isAbsoluteUri(resource))) {
            throw new InvalidDelegationException("resource", "must be an absolute URI of at most " + MAX_RESOURCE_LENGTH
                    + " characters such as urn:altinn:resource:app_ttd_apply, or left out for all resources");
        }
        jdbc.update("INSERT INTO access_delegation (party, grantee, resource) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                party, grantee, resource);
        return jdbc.queryForObject("SELECT * FROM access_delegation WHERE party = ? AND grantee = ? "
                + "AND coalesce(resource, '') = coalesce(?, '')", DelegationStore::map, party, grantee, resource);
    }

    /** Removes it; false when there is no such delegation. */
    public boolean revoke(long id) {
        return jdbc.update("DELETE FROM access_delegation WHERE id = ?", id) == 1;
    }

    public Optional<Delegation> find(long id) {
        return jdbc.query("SELECT * FROM access_delegation WHERE id = ?", DelegationStore::map, id).stream().findFirst();
    }

    /** The delegations a party gave, or a grantee received (either may be null, not both), oldest first, at most {@code limit}. */
    public List<Delegation> list(String party, String grantee, int limit) {
        if (party == null && grantee == null) {
            throw new InvalidDelegationException("party", "or grantee is required");
        }
        return jdbc.query("SELECT * FROM access_delegation WHERE (?::text IS NULL OR party = ?) AND (?::text IS NULL OR grantee = ?) "
                + "ORDER BY id LIMIT ?", DelegationStore::map, party, party, grantee, grantee, limit);
    }

    private static Delegation map(ResultSet row, int rowNumber) throws SQLException {
        return new Delegation(row.getLong("id"), row.getString("party"), row.getString("grantee"), row.getString("resource"),
                row.getTimestamp("created_at").toInstant());
    }

    private static void check(String field, String value, Pattern pattern, String expected) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new InvalidDelegationException(field, "must be " + expected + " but was '" + shorten(value) + "'");
        }
    }

    private static String shorten(String value) {
        return value == null ? null : value.length() > 40 ? value.substring(0, 40) + "…" : value;
    }

    private static void addIfSet(Set<String> into, String value) {
        if (value != null) {
            into.add(value);
        }
    }
}
