package io.herald.subscriptions.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.zaxxer.hikari.HikariDataSource;

import io.herald.store.AppendResult;
import io.herald.store.EventPosition;
import io.herald.store.EventStore;
import io.herald.store.IncomingEvent;
import io.herald.store.LogRange;
import io.herald.store.MutableClock;
import io.herald.store.StoreConfiguration;
import io.herald.store.StoreProperties;
import io.herald.store.TestDatabases;
import io.herald.store.TestEvents;
import io.herald.subscriptions.DeliveryHandoff;
import io.herald.subscriptions.SubscriptionIndex;
import io.herald.subscriptions.SubscriptionFilter;
import io.herald.subscriptions.SubscriptionsProperties;
import io.herald.subscriptions.access.TestAccess;
import io.herald.subscriptions.access.SubscriberAccess;
import io.herald.subscriptions.TestSubscriptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import tools.jackson.databind.node.ObjectNode;

class ChangeFeedMatcherIT {

    /** Matching alone: who may read what is AccessPolicyIT's and AuthorizationMatrixIT's subject. */
    private static HikariDataSource dataSource;
    private static EventStore store;
    private static JdbcTemplate jdbc;
    private static TransactionTemplate transactions;
    private static TestSubscriptions subscriptions;
    private final List<ChangeFeedMatcher> matchers = new ArrayList<>();

    /** A published event and the attributes a subscription may filter on. */
    private record Published(EventPosition position, String resource, String source, String type, String subject,
            String alternativeSubject) {
    }

    /** A (subscription, event) pair: what one delivery row stands for. */
    private record Pair(long subscription, long tx, long seq) {
    }

    @BeforeAll
    static void start() {
        dataSource = TestDatabases.migrated("herald_matcher_it", 16);
        store = StoreConfiguration.standalone(dataSource, Clock.systemUTC(), StoreProperties.defaults());
        jdbc = new JdbcTemplate(dataSource);
        transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        subscriptions = new TestSubscriptions(jdbc, transactions);
    }

    @AfterAll
    static void stop() {
        store.close();
        dataSource.close();
    }

    @BeforeEach
    void clean() {
        jdbc.update("DELETE FROM delivery");
        // each test starts at the log's head: what earlier tests published is theirs, and reading it again would
        // leave quiet checkpoints where the last move (at most once a second) put them
        jdbc.update("""
                UPDATE matcher_lease SET owner = NULL, expires_at = '-infinity',
                    checkpoint_tx = coalesce(last.tx, 0), checkpoint_seq = coalesce(last.seq, 0)
                FROM (SELECT max(tx) AS tx, max(seq) AS seq FROM event) last
                """);
        jdbc.update("DELETE FROM matcher_instance");
    }

    @AfterEach
    void stopMatchers() {
        matchers.forEach(ChangeFeedMatcher::halt);
    }

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private ChangeFeedMatcher matcher(String instance, Duration lease) {
        return matcher(new RangeLeases(jdbc, instance, lease, 8), lease, Clock.systemUTC());
    }

    private ChangeFeedMatcher matcher(RangeLeases leases, Duration lease, Clock clock) {
        var settings = new SubscriptionsProperties.Matcher(8, 200, Duration.ofMillis(20), lease, true);
        var matcher = new ChangeFeedMatcher(store, jdbc,
                new SubscriptionCatalog(jdbc, new DataSourceTransactionManager(dataSource), new SubscriptionIndex()),
                new TablePartyRegistry(jdbc), new SubscriberAccess(jdbc, TestAccess.EVERYONE_READS_EVERYTHING), leases, settings, clock, meters);
        matchers.add(matcher);
        return matcher;
    }

    /** A matcher on its own leases ({@code name}-…) of 8 ranges, reading through {@code reading}. */
    private ChangeFeedMatcher matcher(EventStore reading, SubscriptionsProperties.Matcher settings, String name) {
        var matcher = new ChangeFeedMatcher(reading, jdbc,
                new SubscriptionCatalog(jdbc, new DataSourceTransactionManager(dataSource), new SubscriptionIndex()),
                new TablePartyRegistry(jdbc), new SubscriberAccess(jdbc, TestAccess.EVERYONE_READS_EVERYTHING),
                new RangeLeases(jdbc, name + "-" + UUID.randomUUID(), settings.leaseDuration(), 8), settings, Clock.systemUTC(), meters);
        matchers.add(matcher);
        return matcher;
    }

    /**
     * A range this instance dropped (its fence failed) while its lease is still its own is taken up
     * again at the next heartbeat from the stored checkpoint, not renewed for ever without being matched.
     */
    @Test
    void shouldResumeARangeItStillOwnsAfterDroppingIt() {
        RangeLeases leases = new RangeLeases(jdbc, "resume-" + UUID.randomUUID(), Duration.ofSeconds(30), 8);
        leases.heartbeat();
        assertThat(leases.held()).containsKey(3);

        leases.lost(3);
        assertThat(leases.held()).doesNotContainKey(3);
        leases.heartbeat();

        assertThat(leases.held()).containsKey(3);
    }

    /**
     * A data error that comes back on every try (here a trigger refusing one subscription's
     * deliveries) is classified persistent after a few tries: counted, shown as a stuck range, and
     * retried only after a back-off instead of every round; once the cause is gone the range moves on.
     */
    @Test
    void shouldBackOffFromARangeThatFailsWithTheSameDataErrorAgainAndAgain() {
        String resource = TestEvents.uniqueResource();
        long refused = subscriptions.createValidated(new SubscriptionFilter(resource, null, null, null, null, false));
        jdbc.execute("CREATE OR REPLACE FUNCTION refuse_delivery() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "IF NEW.subscription_id = " + refused + " THEN RAISE EXCEPTION 'refused by the test' USING ERRCODE = 'check_violation'; "
                + "END IF; RETURN NEW; END $$");
        jdbc.execute("CREATE TRIGGER refuse_delivery BEFORE INSERT ON delivery FOR EACH ROW EXECUTE FUNCTION refuse_delivery()");
        try {
            Published event = publish(resource, "t", null, null);
            MutableClock clock = new MutableClock(java.time.Instant.now());
            RangeLeases leases = new RangeLeases(jdbc, "stuck-" + UUID.randomUUID(), Duration.ofSeconds(30), 8);
            ChangeFeedMatcher matcher = matcher(leases, Duration.ofSeconds(30), clock);
            leases.heartbeat();
            var stuck = meters.get("herald.matcher.stuck.ranges").gauge();
            var persistent = meters.get("herald.matcher.failures").tag("kind", "persistent").counter();

            await().atMost(Duration.ofSeconds(60)).until(() -> {
                matcher.matchOnce();
                return stuck.value() == 1.0;
            });
            assertThat(persistent.count()).isEqualTo(1.0);
            for (int i = 0; i < 5; i++) {
                matcher.matchOnce();
            }
            assertThat(persistent.count()).as("not tried again while it backs off").isEqualTo(1.0);
            clock.advance(Duration.ofSeconds(2));
            matcher.matchOnce();
            assertThat(persistent.count()).as("tried again after the back-off").isEqualTo(2.0);

            jdbc.execute("DROP TRIGGER refuse_delivery ON delivery");
            clock.advance(Duration.ofMinutes(10));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                matcher.matchOnce();
                return deliveries().contains(pair(refused, event));
            });
            assertThat(stuck.value()).isZero();
        } finally {
            jdbc.execute("DROP TRIGGER IF EXISTS refuse_delivery ON delivery");
        }
    }

    private static Published publish(String resource, String type, String subject, String alternativeSubject) {
        ObjectNode json = TestEvents.json(resource);
        json.put("type", type);
        if (subject != null) {
            json.put("subject", subject);
        }
        if (alternativeSubject != null) {
            json.put("alternativesubject", alternativeSubject);
        }
        IncomingEvent event = TestEvents.parse(json);
        var result = (AppendResult.Appended) store.append(List.of(event));
        return new Published(result.positions().get(0), resource, event.key().source(), type, subject, alternativeSubject);
    }

    private static Set<Pair> deliveries() {
        return new HashSet<>(jdbc.query("SELECT subscription_id, event_tx, event_seq FROM delivery",
                (row, n) -> new Pair(row.getLong(1), row.getLong(2), row.getLong(3))));
    }

    /** Delivery rows of these subscriptions (other tests' subscriptions match their own earlier events too). */
    private static int deliveryRows(Set<Long> of) {
        return jdbc.queryForObject("SELECT count(*) FROM delivery WHERE subscription_id = ANY (?)", Integer.class,
                (Object) of.toArray(Long[]::new));
    }

    /** DESIGN "Matching", written plainly: what the index must agree with. */
    private static boolean matches(SubscriptionFilter filter, Published event) {
        return filter.resource().equals(event.resource())
                && (filter.sourcePrefix() == null || event.source().startsWith(filter.sourcePrefix()))
                && (filter.subject() == null || filter.subject().equals(event.subject()))
                && (filter.alternativeSubject() == null || filter.alternativeSubject().equals(event.alternativeSubject()))
                && (filter.type() == null || (filter.type().endsWith("*")
                        ? event.type().startsWith(filter.type().substring(0, filter.type().length() - 1))
                        : filter.type().equals(event.type())));
    }

    @Test
    void shouldWriteExactlyOneDeliveryPerMatchingPairWithTwoInstancesAndSurviveOneDying() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> resources = new ArrayList<>();
        for (int r = 0; r < 20; r++) {
            resources.add("urn:altinn:resource:app_ttd_load" + r + "_" + run);
        }
        String[] types = {"app.instance.created", "app.instance.process.movedTo.Task_1", "app.instance.process.completed"};
        Map<Long, SubscriptionFilter> filters = new HashMap<>();
        for (int s = 0; s < 100; s++) {
            String resource = resources.get(s % resources.size());
            SubscriptionFilter filter = switch (s % 5) {
                case 0 -> new SubscriptionFilter(resource, null, null, null, null, false);
                case 1 -> new SubscriptionFilter(resource, null, "/party/" + (s % 7), null, null, false);
                case 2 -> new SubscriptionFilter(resource, null, null, null, "app.instance.process.*", false);
                case 3 -> new SubscriptionFilter(resource, null, null, "/person/0101701234" + (s % 3), "app.instance.created", false);
                default -> new SubscriptionFilter(resource, "https://apps.example/ttd/", "/party/" + (s % 7), null, null, false);
            };
            filters.put(subscriptions.createValidated(filter), filter);
        }
        List<Published> events = new ArrayList<>();
        for (int e = 0; e < 10_000; e++) {
            events.add(publish(resources.get(e % resources.size()), types[e % types.length], "/party/" + (e % 7),
                    e % 2 == 0 ? "/person/0101701234" + (e % 3) : null));
        }
        Set<Pair> expected = new HashSet<>();
        for (Published event : events) {
            filters.forEach((id, filter) -> {
                if (matches(filter, event)) {
                    expected.add(new Pair(id, event.position().tx(), event.position().seq()));
                }
            });
        }

        ChangeFeedMatcher first = matcher("first-" + run, Duration.ofSeconds(1));
        ChangeFeedMatcher second = matcher("second-" + run, Duration.ofSeconds(1));
        first.start();
        second.start();
        Set<Long> ours = filters.keySet();
        await().atMost(Duration.ofSeconds(60)).until(() -> deliveryRows(ours) > expected.size() / 4);
        first.halt();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> deliveryRows(ours) >= expected.size());

        assertThat(expected).hasSizeGreaterThan(10_000);
        assertThat(deliveryRows(ours)).isEqualTo(expected.size());
        double matched = meters.find("herald.matcher.events").counters().stream().mapToDouble(c -> c.count()).sum();
        double created = meters.find("herald.matcher.deliveries").counters().stream().mapToDouble(c -> c.count()).sum();
        assertThat(matched).as("events matched, both instances").isGreaterThanOrEqualTo(10_000);
        assertThat(created).as("deliveries created, both instances").isGreaterThanOrEqualTo(expected.size());
        assertThat(meters.find("herald.matcher.lag.seconds").tag("matcher", "second-" + run).gauge()).isNotNull();
        assertThat(meters.find("herald.matcher.lag.events").tag("matcher", "second-" + run).gauge()).isNotNull();
        assertThat(deliveries().stream().filter(p -> ours.contains(p.subscription()))).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void shouldDeliverOnlyEventsAfterValidationAndStopAtPauseAndDelete() {
        String resource = TestEvents.uniqueResource();
        long id = subscriptions.create(new SubscriptionFilter(resource, null, null, null, null, false));
        ChangeFeedMatcher matcher = matcher("gate-" + UUID.randomUUID(), Duration.ofSeconds(30));
        matcher.start();

        Published beforeValidation = publish(resource, "t", null, null);
        subscriptions.validate(id);
        Published afterValidation = publish(resource, "t", null, null);
        await().atMost(Duration.ofSeconds(20)).until(() -> deliveries().contains(pair(id, afterValidation)));

        subscriptions.setPaused(id, true);
        Published whilePaused = publish(resource, "t", null, null);
        Published marker = publish(resource, "t", null, null);
        long markerSubscription = subscriptions.createValidated(new SubscriptionFilter(resource, null, null, null, null, false));
        Published afterMarker = publish(resource, "t", null, null);
        await().atMost(Duration.ofSeconds(20)).until(() -> deliveries().contains(pair(markerSubscription, afterMarker)));
        subscriptions.setPaused(id, false);
        Published afterResume = publish(resource, "t", null, null);
        await().atMost(Duration.ofSeconds(20)).until(() -> deliveries().contains(pair(id, afterResume)));
        subscriptions.delete(id);
        Published afterDelete = publish(resource, "t", null, null);
        await().atMost(Duration.ofSeconds(20)).until(() -> deliveries().contains(pair(markerSubscription, afterDelete)));

        Set<Pair> delivered = deliveries();
        assertThat(delivered).doesNotContain(pair(id, beforeValidation), pair(id, whilePaused), pair(id, marker),
                pair(markerSubscription, marker));
        assertThat(delivered.stream().filter(p -> p.subscription() == id)).isEmpty();
    }

    /**
     * With a dispatcher on this instance that has room, the matcher writes as many deliveries as it takes reserved
     * for it (the first attempt counted, due only at the lease's end, so no instance claims them meanwhile) and
     * hands them over once committed; the others, and every delivery of a subscription with ordered delivery
     * (whose claim keeps the order), are written due for any instance to claim.
     */
    @Test
    void shouldWriteWhatTheDispatcherHasRoomForReservedAndHandItOverAfterTheCommit() {
        String resource = TestEvents.uniqueResource();
        SubscriptionFilter filter = new SubscriptionFilter(resource, null, null, null, null, false);
        long ordered = subscriptions.createValidated(filter);
        jdbc.update("UPDATE subscription SET ordered_delivery = true WHERE id = ?", ordered);
        long first = subscriptions.createValidated(filter);
        long second = subscriptions.createValidated(filter);
        List<DeliveryHandoff.HandedDelivery> handed = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> seenAtHandoff = new java.util.concurrent.CopyOnWriteArrayList<>();
        DeliveryHandoff dispatcher = new DeliveryHandoff() {
            @Override
            public int room() {
                return 2;
            }

            @Override
            public Duration lease() {
                return Duration.ofMinutes(5);
            }

            @Override
            public void take(List<HandedDelivery> deliveries) {
                for (HandedDelivery delivery : deliveries) {
                    // read on another connection: committed before it is handed over
                    seenAtHandoff.add(jdbc.queryForObject("SELECT attempts || ' ' || (next_attempt_at > now() + interval '4 minutes') "
                            + "FROM delivery WHERE id = ?", String.class, delivery.id()));
                }
                handed.addAll(deliveries);
            }
        };
        ChangeFeedMatcher matcher = new ChangeFeedMatcher(store, jdbc,
                new SubscriptionCatalog(jdbc, new DataSourceTransactionManager(dataSource), new SubscriptionIndex()),
                new TablePartyRegistry(jdbc), new SubscriberAccess(jdbc, TestAccess.EVERYONE_READS_EVERYTHING),
                new RangeLeases(jdbc, "handoff-" + UUID.randomUUID(), Duration.ofSeconds(30), 8),
                new SubscriptionsProperties.Matcher(8, 200, Duration.ofMillis(20), Duration.ofSeconds(30), true),
                Clock.systemUTC(), meters, created -> { }, () -> dispatcher);
        matchers.add(matcher);
        matcher.start();

        Published one = publish(resource, "t", null, null);
        Published two = publish(resource, "t", null, null);
        await().atMost(Duration.ofSeconds(20)).until(() -> deliveryRows(Set.of(ordered, first, second)) == 6);

        // two events in one batch or one each: at most two handed over a batch, never the ordered subscription's
        assertThat(handed).isNotEmpty().allMatch(d -> d.subscription().value() != ordered);
        assertThat(seenAtHandoff).hasSize(handed.size()).containsOnly("1 true");
        Map<Long, String> states = new HashMap<>();
        jdbc.query("SELECT id, attempts || ' ' || (next_attempt_at > now() + interval '4 minutes') FROM delivery "
                + "WHERE subscription_id = ANY (?)", row -> {
                    states.put(row.getLong(1), row.getString(2));
                }, (Object) new Long[] {ordered, first, second});
        Set<Long> handedIds = new HashSet<>();
        for (DeliveryHandoff.HandedDelivery delivery : handed) {
            handedIds.add(delivery.id());
            assertThat(Set.of(pair(first, one), pair(second, one), pair(first, two), pair(second, two)))
                    .contains(new Pair(delivery.subscription().value(), delivery.event().position().tx(), delivery.event().position().seq()));
        }
        states.forEach((id, state) -> assertThat(state).as("delivery %d", id).isEqualTo(handedIds.contains(id) ? "1 true" : "0 false"));
        assertThat(states.keySet()).containsAll(handedIds);
    }

    /** A graceful stop (SIGTERM) gives the ranges back: the other instance continues long before the leases would expire. */
    @Test
    void shouldHandOverAtOnceWhenAnInstanceStopsGracefully() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        // leases of 15 s, renewed every 5 s: a take-over within 10 s cannot have waited for expiry
        ChangeFeedMatcher leaving = matcher("leaving-" + run, Duration.ofSeconds(15));
        ChangeFeedMatcher staying = matcher("staying-" + run, Duration.ofSeconds(15));
        leaving.start();
        staying.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> owners().containsAll(List.of("leaving-" + run, "staying-" + run)));

        leaving.stop();

        assertThat(owners()).doesNotContain("leaving-" + run);
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM matcher_lease WHERE owner = ?", Integer.class, "staying-" + run) == 8);
    }

    /**
     * Events that no subscription wants move their range's checkpoint as a quiet range's does, at most once a
     * second, not each batch in a transaction (and a commit) of its own; a publish-only load made as many
     * matcher commits as a quarter of its publishes.
     */
    @Test
    void shouldMoveTheCheckpointPastEventsNoSubscriptionWantsAtMostOnceASecond() {
        MutableClock clock = new MutableClock(java.time.Instant.now());
        RangeLeases leases = new RangeLeases(jdbc, "unwanted-" + UUID.randomUUID(), Duration.ofSeconds(30), 8);
        ChangeFeedMatcher matcher = matcher(leases, Duration.ofSeconds(30), clock);
        leases.heartbeat();
        String resource = TestEvents.uniqueResource();
        int range = LogRange.indexOf(resource, 8);
        Published first = publish(resource, "t", null, null);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            clock.advance(Duration.ofSeconds(1));
            matcher.matchOnce();
            return !first.position().isAfter(checkpoint(range));
        });
        var matched = meters.get("herald.matcher.events").counter();
        double before = matched.count();

        Published second = publish(resource, "t", null, null);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            matcher.matchOnce();
            return matched.count() > before;
        });

        assertThat(second.position().isAfter(checkpoint(range))).as("checkpoint still before the second event").isTrue();
        clock.advance(Duration.ofSeconds(1));
        matcher.matchOnce();
        assertThat(second.position().isAfter(checkpoint(range))).as("checkpoint moved past it a second later").isFalse();
    }

    /**
     * Woken by appends whose events no subscription wants, the matcher reads each event once: on from where it
     * read through, not from the range's checkpoint (which moves up only once a second then).
     */
    @Test
    void shouldReadEachUnwantedEventOnceWhenWokenByAppends() {
        var settings = new SubscriptionsProperties.Matcher(8, 200, Duration.ofHours(1), Duration.ofSeconds(30), true);
        var matcher = matcher(store, settings, "once");
        String resource = TestEvents.uniqueResource();
        try (EventStore waking = waking(matcher)) {
            startCaughtUp(matcher);
            var matched = meters.get("herald.matcher.events").counter();
            double before = matched.count();

            for (int i = 1; i <= 3; i++) {
                waking.append(List.of(TestEvents.parse(TestEvents.json(resource))));
                double expected = before + i;
                await().atMost(Duration.ofSeconds(20)).until(() -> matched.count() >= expected);
            }

            assertThat(matched.count() - before).as("events matched").isEqualTo(3.0);
        }
    }

    private static EventPosition checkpoint(int range) {
        return jdbc.queryForObject("SELECT checkpoint_tx, checkpoint_seq FROM matcher_lease WHERE range_id = ?",
                (row, n) -> new EventPosition(row.getLong(1), row.getLong(2)), range);
    }

    /** Found while writing the operations guide: ranges without events never moved their checkpoint and re-read the log. */
    @Test
    void shouldMoveQuietRangesPastOtherRangesEvents() {
        ChangeFeedMatcher matcher = matcher("quiet-" + UUID.randomUUID(), Duration.ofSeconds(30));
        matcher.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> owners().size() == 1);

        Published event = publish(TestEvents.uniqueResource(), "t", null, null);

        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM matcher_lease WHERE (checkpoint_tx, checkpoint_seq) >= (?, ?)", Integer.class,
                event.position().tx(), event.position().seq()) == 8);
    }

    /** Publishing on this instance wakes its matcher: no waiting for the poll (here an hour). */
    @Test
    void shouldMatchAtOnceWhenWokenByAnAppend() {
        var settings = new SubscriptionsProperties.Matcher(8, 200, Duration.ofHours(1), Duration.ofSeconds(30), true);
        var matcher = matcher(store, settings, "woken");
        String resource = TestEvents.uniqueResource();
        long subscription = subscriptions.createValidated(new SubscriptionFilter(resource, null, null, null, null, false));
        try (EventStore waking = waking(matcher)) {
            matcher.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> owners().size() == 1);
            ObjectNode json = TestEvents.json(resource);
            var position = ((AppendResult.Appended) waking.append(List.of(TestEvents.parse(json)))).positions().get(0);

            await().atMost(Duration.ofSeconds(20)).until(() -> deliveries().contains(new Pair(subscription, position.tx(), position.seq())));
        }
    }

    /**
     * Woken by an append, the matcher reads the log once, not every range it holds alone: one read per
     * commit rather than one per range (a steady 400 publishes a second made 6,400 reads).
     */
    @Test
    void shouldReadTheLogOnceWhenWokenByAnAppend() {
        var settings = new SubscriptionsProperties.Matcher(8, 200, Duration.ofHours(1), Duration.ofSeconds(30), true);
        Map<Integer, AtomicInteger> reads = new ConcurrentHashMap<>();
        EventStore counting = counting(reads);
        var matcher = matcher(counting, settings, "ranges");
        String resource = TestEvents.uniqueResource();
        long subscription = subscriptions.createValidated(new SubscriptionFilter(resource, null, null, null, null, false));
        try (EventStore waking = waking(matcher)) {
            startCaughtUp(matcher);
            reads.clear();

            var position = ((AppendResult.Appended) waking.append(List.of(TestEvents.parse(TestEvents.json(resource))))).positions().get(0);

            await().atMost(Duration.ofSeconds(20)).until(() -> deliveries().contains(new Pair(subscription, position.tx(), position.seq())));
            assertThat(reads.keySet()).as("what was read since the append").containsExactly(WHOLE_LOG);
            assertThat(reads.get(WHOLE_LOG).get()).as("reads of the log since the append").isEqualTo(1);
        }
    }

    /**
     * Commits into one range wake the matcher again and again; that range is still read together with the
     * others, never alone: read alone, it ran ahead, and at each full round every other range then scanned
     * alone the stretch it had read (with all events in one resource, fifteen scans of the last 100 ms of the
     * log ten times a second — more of PostgreSQL's time than the publishes' inserts under batches of 100).
     */
    @Test
    void shouldReadARangeWokenAgainAndAgainTogetherWithTheOthers() {
        var settings = new SubscriptionsProperties.Matcher(8, 50, Duration.ofMillis(20), Duration.ofSeconds(30), true);
        Map<Integer, AtomicInteger> reads = new ConcurrentHashMap<>();
        var matcher = matcher(counting(reads), settings, "woken-together");
        String resource = TestEvents.uniqueResource();
        try (EventStore waking = waking(matcher)) {
            startCaughtUp(matcher);
            var matched = meters.get("herald.matcher.events").counter();
            double before = matched.count();
            reads.clear();

            for (int i = 0; i < 40; i++) {
                List<IncomingEvent> batch = new ArrayList<>();
                for (int j = 0; j < 5; j++) {
                    batch.add(TestEvents.parse(TestEvents.json(resource)));
                }
                waking.append(batch);
            }

            await().atMost(Duration.ofSeconds(20)).until(() -> matched.count() >= before + 200);
            assertThat(matched.count() - before).as("events matched").isEqualTo(200.0);
            assertThat(reads.get(WHOLE_LOG)).as("reads of the whole log").isNotNull();
            assertThat(rangeReads(reads)).as("reads of one range alone").isZero();
        }
    }

    /**
     * With nothing new in the log, a round looks at the log once instead of reading every range it
     * holds (16 by default, ten times a second), and still finds an event published elsewhere (no wake-up)
     * within its poll interval.
     */
    @Test
    void shouldLookAtTheLogOnceARoundWhileNothingIsNew() {
        var settings = new SubscriptionsProperties.Matcher(8, 200, Duration.ofMillis(20), Duration.ofSeconds(30), true);
        Map<Integer, AtomicInteger> reads = new ConcurrentHashMap<>();
        var matcher = matcher(counting(reads), settings, "idle");
        String resource = TestEvents.uniqueResource();
        long subscription = subscriptions.createValidated(new SubscriptionFilter(resource, null, null, null, null, false));
        matcher.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> owners().size() == 1 && caughtUp() && reads.containsKey(LOOK));
        reads.clear();

        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
                .until(() -> rangeReads(reads) == 0 && !reads.containsKey(WHOLE_LOG));
        assertThat(reads.get(LOOK)).as("looks at the log").isNotNull();

        Published event = publish(resource, "t", null, null);
        await().atMost(Duration.ofSeconds(20)).until(() -> deliveries().contains(pair(subscription, event)));
    }

    /**
     * A round reads every range it holds in one read of the log, splitting the events by range in memory,
     * rather than one read per range (each scanning the same stretch of the log); every event of each range
     * is still matched, also published elsewhere (no wake-up) into several ranges at once.
     */
    @Test
    void shouldReadTheRangesItHoldsInOneReadOfTheLog() {
        var settings = new SubscriptionsProperties.Matcher(8, 200, Duration.ofMillis(20), Duration.ofSeconds(30), true);
        Map<Integer, AtomicInteger> reads = new ConcurrentHashMap<>();
        var matcher = matcher(counting(reads), settings, "together");
        Map<Integer, String> resources = new TreeMap<>();
        while (resources.size() < 4) {
            String resource = TestEvents.uniqueResource();
            resources.putIfAbsent(LogRange.indexOf(resource, 8), resource);
        }
        Map<String, Long> subscribed = new HashMap<>();
        resources.values().forEach(resource -> subscribed.put(resource,
                subscriptions.createValidated(new SubscriptionFilter(resource, null, null, null, null, false))));
        matcher.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> owners().size() == 1 && reads.containsKey(WHOLE_LOG));
        reads.clear();

        List<Pair> expected = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            for (String resource : resources.values()) {
                expected.add(pair(subscribed.get(resource), publish(resource, "t", null, null)));
            }
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> deliveries().containsAll(expected));
        assertThat(reads.get(WHOLE_LOG)).as("reads of the whole log").isNotNull();
        assertThat(rangeReads(reads)).as("reads of one range").isZero();
    }

    /**
     * A range far behind the others (here: taken on with its checkpoint at the log's start) reads alone,
     * from its own checkpoint, while the others read together from theirs: every event of each is matched.
     */
    @Test
    void shouldMatchARangeFarBehindAloneAndTheOthersTogether() {
        var settings = new SubscriptionsProperties.Matcher(8, 20, Duration.ofMillis(20), Duration.ofSeconds(30), true);
        Map<Integer, AtomicInteger> reads = new ConcurrentHashMap<>();
        String late = TestEvents.uniqueResource();
        int lateRange = LogRange.indexOf(late, 8);
        String other = TestEvents.uniqueResource();
        while (LogRange.indexOf(other, 8) == lateRange) {
            other = TestEvents.uniqueResource();
        }
        long lateSubscription = subscriptions.createValidated(new SubscriptionFilter(late, null, null, null, null, false));
        long otherSubscription = subscriptions.createValidated(new SubscriptionFilter(other, null, null, null, null, false));
        List<Pair> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            expected.add(pair(lateSubscription, publish(late, "t", null, null)));
        }
        Published head = publish(other, "t", null, null);
        jdbc.update("UPDATE matcher_lease SET checkpoint_tx = ?, checkpoint_seq = ? WHERE range_id <> ?",
                head.position().tx(), head.position().seq(), lateRange);
        var matcher = matcher(counting(reads), settings, "behind");
        matcher.start();
        expected.add(pair(otherSubscription, publish(other, "t", null, null)));

        await().atMost(Duration.ofSeconds(30)).until(() -> deliveries().containsAll(expected));
        assertThat(deliveries()).as("the event before the others' checkpoints").doesNotContain(pair(otherSubscription, head));
        assertThat(reads.get(lateRange)).as("reads of the range behind, alone").isNotNull();
        assertThat(reads.get(WHOLE_LOG)).as("reads of the others, together").isNotNull();
    }

    /** A store whose appends wake {@code matcher}, as the application's store wakes its matcher. */
    private static EventStore waking(ChangeFeedMatcher matcher) {
        return StoreConfiguration.standalone(dataSource, Clock.systemUTC(), StoreProperties.defaults(), matcher::wakeUp);
    }

    /** Starts the matcher and waits until it holds every range and every checkpoint is at the log's end. */
    private static void startCaughtUp(ChangeFeedMatcher matcher) {
        matcher.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> owners().size() == 1 && caughtUp());
    }

    /** Every range's checkpoint is at the log's last event or after it (a quiet range's moves up once a second). */
    private static boolean caughtUp() {
        return jdbc.queryForObject("""
                SELECT count(*) FROM matcher_lease, (SELECT tx, seq FROM event ORDER BY tx DESC, seq DESC LIMIT 1) last
                WHERE (checkpoint_tx, checkpoint_seq) < (last.tx, last.seq)
                """, Integer.class) == 0;
    }

    private static int rangeReads(Map<Integer, AtomicInteger> reads) {
        return reads.entrySet().stream().filter(e -> e.getKey() >= 0).mapToInt(e -> e.getValue().get()).sum();
    }

    /** {@link #counting}'s key for reads of the whole log. */
    private static final int WHOLE_LOG = -1;
    /** {@link #counting}'s key for looks at the log (reads of one event after a position). */
    private static final int LOOK = -2;

    /** The test store, counting the reads of each log range (by index), of the whole log and looks at it. */
    private static EventStore counting(Map<Integer, AtomicInteger> reads) {
        return (EventStore) java.lang.reflect.Proxy.newProxyInstance(EventStore.class.getClassLoader(),
                new Class<?>[] {EventStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("follow")) {
                        int key = args.length == 3 && args[2] instanceof LogRange range ? range.index()
                                : (int) args[1] == 1 ? LOOK : WHOLE_LOG;
                        reads.computeIfAbsent(key, i -> new AtomicInteger()).incrementAndGet();
                    }
                    try {
                        return method.isDefault() ? java.lang.reflect.InvocationHandler.invokeDefault(proxy, method, args)
                                : method.invoke(store, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static List<String> owners() {
        return jdbc.queryForList("SELECT DISTINCT owner FROM matcher_lease WHERE owner IS NOT NULL", String.class);
    }

    @Test
    void shouldMatchAnOrganisationsSubunitsWhenAsked() {
        String resource = TestEvents.uniqueResource();
        jdbc.update("INSERT INTO party_unit (parent_org_number, subunit_org_number) VALUES ('910000001', '910000002') "
                + "ON CONFLICT DO NOTHING");
        long withSubunits = subscriptions.createValidated(new SubscriptionFilter(resource, null, null, "/org/910000001", null, true));
        long without = subscriptions.createValidated(new SubscriptionFilter(resource, null, null, "/org/910000001", null, false));
        ChangeFeedMatcher matcher = matcher("subunits-" + UUID.randomUUID(), Duration.ofSeconds(30));
        matcher.start();

        Published aboutSubunit = publish(resource, "t", null, "/org/910000002");
        Published aboutParent = publish(resource, "t", null, "/org/910000001");

        await().atMost(Duration.ofSeconds(20)).until(() -> deliveries().containsAll(List.of(
                pair(withSubunits, aboutSubunit), pair(withSubunits, aboutParent), pair(without, aboutParent))));
        assertThat(deliveries()).doesNotContain(pair(without, aboutSubunit));
    }

    private static Pair pair(long subscription, Published event) {
        return new Pair(subscription, event.position().tx(), event.position().seq());
    }
}
