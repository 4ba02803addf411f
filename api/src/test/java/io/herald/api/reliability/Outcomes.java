package io.herald.api.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

/** What the reliability scenarios check after the fault: in the database itself and at the receiver. */
final class Outcomes {

    private final String jdbcUrl;
    private final String user;

    Outcomes(String jdbcUrl, String user) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
    }

    /** How many times each event id of the resource is stored. */
    Map<String, Integer> storedCounts(String resource) throws SQLException {
        Map<String, Integer> counts = new HashMap<>();
        try (Connection connection = DriverManager.getConnection(jdbcUrl, user, "");
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT id, count(*) FROM event WHERE resource = ? GROUP BY id")) {
            statement.setString(1, resource);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    counts.put(rows.getString(1), rows.getInt(2));
                }
            }
        }
        return counts;
    }

    /** Every acknowledged event is stored, and no event is stored twice. */
    void assertStoredOnce(String resource, Set<String> acknowledged) throws SQLException {
        Map<String, Integer> counts = storedCounts(resource);
        assertThat(counts.keySet()).as("acknowledged events stored").containsAll(acknowledged);
        assertThat(counts.values()).as("events stored more than once").allMatch(count -> count == 1);
    }

    /** Deliveries of the subscription not (yet) delivered: claimed, waiting or dead. */
    long undelivered(long subscription) throws SQLException {
        return count("SELECT count(*) FROM delivery WHERE subscription_id = ? AND status <> 'delivered'", subscription);
    }

    long deliveries(long subscription) throws SQLException {
        return count("SELECT count(*) FROM delivery WHERE subscription_id = ?", subscription);
    }

    private long count(String sql, long subscription) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, user, "");
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, subscription);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** The ids of the events the receiver got (the validation handshake left out). */
    static Set<String> received(WireMockServer receiver, String path) {
        Set<String> ids = new HashSet<>();
        for (LoggedRequest request : receiver.findAll(postRequestedFor(urlEqualTo(path)))) {
            var event = HeraldProcess.JSON.readTree(request.getBodyAsString());
            if ("app.instance.created".equals(event.path("type").asString(""))) {
                ids.add(event.get("id").asString());
            }
        }
        return ids;
    }
}
