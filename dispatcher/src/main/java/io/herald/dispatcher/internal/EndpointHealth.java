package io.herald.dispatcher.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

import io.herald.store.AppendResult;
import io.herald.store.CloudEventParser;
import io.herald.store.EventLimits;
import io.herald.store.EventStore;
import io.herald.subscriptions.SubscriptionId;
import io.herald.subscriptions.SubscriptionService;
import io.herald.subscriptions.access.AccessPolicy;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns off subscriptions whose endpoints are gone — it answered 410, or it has failed every
 * attempt for {@code herald.dispatcher.health.disable-after} — and tells each owner with a
 * {@value #DISABLED_TYPE} event in the log: resource {@value #RESOURCE}, subject the owner
 * (the subscription's consumer, such as {@code /org/skd}), so it shows in the owner's feed and can
 * itself be subscribed to. The event goes into the log before the subscription is disabled and its
 * id is fixed by the subscription and the moment, so a crash in between repeats neither.
 */
final class EndpointHealth {

    static final String DISABLED_TYPE = "platform.events.subscription.disabled";
    /** The owner reads these notices in its feed: {@link AccessPolicy} lets a subscription owner read them. */
    static final String RESOURCE = AccessPolicy.OWNER_NOTICES;
    private static final String SOURCE = "urn:herald:subscriptions";
    /** The most subscriptions one check disables: the next check takes the rest. */
    private static final int BATCH = 500;

    private static final Logger log = LoggerFactory.getLogger(EndpointHealth.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final CloudEventParser PARSER = new CloudEventParser(new EventLimits(16 * 1024, 1024));

    private final JdbcTemplate jdbc;
    private final SubscriptionService subscriptions;
    private final EventStore store;
    private final Duration disableAfter;
    private final Clock clock;

    EndpointHealth(JdbcTemplate jdbc, SubscriptionService subscriptions, EventStore store, Duration disableAfter, Clock clock) {
        this.jdbc = jdbc;
        this.subscriptions = subscriptions;
        this.store = store;
        this.disableAfter = disableAfter;
        this.clock = clock;
    }

    private record Failing(SubscriptionId id, String consumer, Instant since) {
    }

    /** Disables every subscription whose endpoint has failed without a success for longer than allowed; returns how many. */
    int disableFailing() {
        Instant limit = clock.instant().minus(disableAfter);
        List<Failing> failing = jdbc.query("""
                SELECT id, consumer, failing_since FROM subscription
                WHERE failing_since <= ? AND disabled_reason IS NULL
                ORDER BY failing_since LIMIT ?
                """, (row, n) -> new Failing(new SubscriptionId(row.getLong(1)), row.getString(2), row.getTimestamp(3).toInstant()),
                java.sql.Timestamp.from(limit), BATCH);
        int disabled = 0;
        for (Failing subscription : failing) {
            String reason = "its endpoint failed every attempt since " + DateTimeFormatter.ISO_INSTANT.format(
                    subscription.since().truncatedTo(ChronoUnit.SECONDS)) + ", longer than " + disableAfter.toHours() + " hours";
            if (disable(subscription.id(), subscription.consumer(), reason, subscription.since().plus(disableAfter))) {
                disabled++;
            }
        }
        return disabled;
    }

    /** Disables the subscription now, for {@code reason} (its endpoint answered 410 Gone), and tells its owner. */
    boolean disableNow(SubscriptionId id, String reason) {
        List<String> consumer = jdbc.queryForList("SELECT consumer FROM subscription WHERE id = ? AND disabled_reason IS NULL",
                String.class, id.value());
        if (consumer.isEmpty()) {
            return false; // deleted, or disabled already by another attempt
        }
        return disable(id, consumer.get(0), reason, clock.instant());
    }

    /** Tells the owner that its subscription was disabled (the subscription itself was disabled already). */
    void tellDisabled(SubscriptionId id, String consumer, String reason) {
        store.append(List.of(PARSER.parse(disabledEvent(id, consumer, reason, clock.instant()))));
    }

    private boolean disable(SubscriptionId id, String consumer, String reason, Instant when) {
        AppendResult told = store.append(List.of(PARSER.parse(disabledEvent(id, consumer, reason, when))));
        if (told instanceof AppendResult.Conflicted) {
            // the same moment was told already with another reason: the owner has an event for it
            log.info("The owner of subscription {} was told of this disabling already", id);
        }
        return subscriptions.disable(id, reason);
    }

    private static ObjectNode disabledEvent(SubscriptionId id, String consumer, String reason, Instant when) {
        Instant at = when.truncatedTo(ChronoUnit.MILLIS);
        ObjectNode event = JSON.createObjectNode();
        event.put("specversion", "1.0");
        event.put("id", "subscription-" + id.value() + "-disabled-" + at.toEpochMilli());
        event.put("source", SOURCE);
        event.put("type", DISABLED_TYPE);
        event.put("resource", RESOURCE);
        event.put("subject", consumer);
        event.put("time", DateTimeFormatter.ISO_INSTANT.format(at));
        ObjectNode data = event.putObject("data");
        data.put("subscriptionId", id.value());
        data.put("reason", reason);
        return event;
    }
}
