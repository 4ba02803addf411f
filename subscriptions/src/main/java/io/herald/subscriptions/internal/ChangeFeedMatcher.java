package io.herald.subscriptions.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import io.herald.store.EventPosition;
import io.herald.store.EventStore;
import io.herald.store.EventsAppended;
import io.herald.store.FeedPage;
import io.herald.store.LogRange;
import io.herald.store.StoredEvent;
import io.herald.store.WorkLoop;
import io.herald.subscriptions.DeliveriesCreated;
import io.herald.subscriptions.PartyRegistry;
import io.herald.subscriptions.SubscriptionsProperties;
import io.herald.subscriptions.access.SubscriberAccess;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Follows each log range this instance leases, matches every event against the subscription
 * index and writes one delivery per (subscription, event) — in the same transaction that moves
 * the range's checkpoint, fenced on the lease, so a batch counts once even when a lease changes
 * hands mid-way. The delivery insert re-checks each subscription's state in the database, so a
 * pause or delete committed before the batch commits stops its deliveries. An event is matched to
 * a subscription only if its owner may read it ({@link SubscriberAccess}, asked once per batch); a match
 * it may not read writes no delivery and counts in {@code herald.matcher.denied}.
 */
public final class ChangeFeedMatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ChangeFeedMatcher.class);

    /** The matcher's own lease was taken over while it worked: the batch is dropped. */
    private static final class LeaseLostException extends RuntimeException {
        LeaseLostException() {
            super("lease lost", null, false, false);
        }
    }

    private final EventStore store;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final SubscriptionCatalog catalog;
    private final PartyRegistry parties;
    private final SubscriberAccess access;
    private final RangeLeases leases;
    private final SubscriptionsProperties.Matcher settings;
    private final Clock clock;
    private final MatcherCounters counters;
    private final RangeFailures failures;
    private static final long QUIET_ADVANCE_MILLIS = 1_000;

    private final Map<Integer, Long> lagMillisByRange = new ConcurrentHashMap<>();
    private final Map<Integer, Long> lastQuietAdvance = new ConcurrentHashMap<>();
    private final AtomicLong lagEvents = new AtomicLong();
    /** Ranges that events committed on this instance went to since they were last read. */
    private final Set<Integer> touched = ConcurrentHashMap.newKeySet();
    /** Ranges whose last read was a full batch: more is waiting there. */
    private final Set<Integer> behind = ConcurrentHashMap.newKeySet();
    /**
     * How far each range has been read (its last page's {@code next}): up there, every event of the range
     * is matched, whether or not its checkpoint (moved at most once a second for a quiet range) says so.
     */
    private final Map<Integer, EventPosition> readThrough = new ConcurrentHashMap<>();
    /** When every held range was last read ({@link System#nanoTime()}); 0: at the next round. */
    private volatile long lastFullRound;
    private final WorkLoop loop;
    private final Consumer<DeliveriesCreated> created;
    private ScheduledExecutorService heartbeats;

    public ChangeFeedMatcher(EventStore store, JdbcTemplate jdbc, TransactionTemplate transactions,
            SubscriptionCatalog catalog, PartyRegistry parties, SubscriberAccess access, RangeLeases leases,
            SubscriptionsProperties.Matcher settings, Clock clock, MeterRegistry meters) {
        this(store, jdbc, transactions, catalog, parties, access, leases, settings, clock, meters, created -> { });
    }

    /** @param created told after each commit that wrote new deliveries */
    public ChangeFeedMatcher(EventStore store, JdbcTemplate jdbc, TransactionTemplate transactions,
            SubscriptionCatalog catalog, PartyRegistry parties, SubscriberAccess access, RangeLeases leases,
            SubscriptionsProperties.Matcher settings, Clock clock, MeterRegistry meters,
            Consumer<DeliveriesCreated> created) {
        this.access = access;
        this.created = created;
        this.store = store;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.catalog = catalog;
        this.parties = parties;
        this.leases = leases;
        this.settings = settings;
        this.clock = clock;
        String instance = leases.instance();
        this.counters = new MatcherCounters(meters, instance);
        this.failures = new RangeFailures(clock, meters, instance);
        Gauge.builder("herald.matcher.lag.seconds", this, m -> m.lagMillisByRange.values().stream()
                        .mapToLong(Long::longValue).max().orElse(0) / 1000.0)
                .description("age of the newest event matched while the matcher is behind; 0 when caught up")
                .tag("matcher", instance).register(meters);
        Gauge.builder("herald.matcher.lag.events", lagEvents, AtomicLong::get)
                .description("log events stored after the checkpoint of this instance's slowest range")
                .tag("matcher", instance).register(meters);
        this.loop = new WorkLoop("herald-matcher", settings.pollInterval(), this::round);
        Gauge.builder("herald.matcher.ranges", leases, l -> l.held().size())
                .description("log ranges this instance holds").tag("matcher", instance).register(meters);
    }

    /**
     * Matches one batch of every range held; returns how many events it matched. The loop calls
     * this; tests may call it directly.
     */
    public int matchOnce() {
        return match(null);
    }

    /**
     * The loop's round: every held range once a poll interval (events committed on other instances
     * are found so), and in between only the ranges that events committed here went to and those
     * still behind — one read per range with news rather than one per range held (16 by default)
     * for every commit.
     */
    private int round() {
        long now = System.nanoTime();
        if (lastFullRound == 0 || now - lastFullRound >= settings.pollInterval().toNanos()) {
            lastFullRound = now;
            touched.clear(); // what is committed from here on marks its range again; what came before, this round reads
            if (nothingNew()) {
                advanceQuietRanges();
                return 0;
            }
            return match(null);
        }
        Set<Integer> due = new HashSet<>(behind);
        for (var ranges = touched.iterator(); ranges.hasNext(); ) {
            due.add(ranges.next());
            ranges.remove();
        }
        return due.isEmpty() ? 0 : match(due);
    }

    /**
     * True when every held range has been read through some position and the log has no event after
     * the lowest of them: one look at the log instead of a read per range, for an idle log.
     */
    private boolean nothingNew() {
        EventPosition through = null;
        for (Integer range : leases.held().keySet()) {
            EventPosition read = readThrough.get(range);
            if (read == null || failures.backingOff(range)) {
                return false;
            }
            if (through == null || through.isAfter(read)) {
                through = read;
            }
        }
        return through != null && store.follow(through, 1).events().isEmpty();
    }

    /** Moves quiet ranges' checkpoints up to where they were read (at most once a second each), without reading them again. */
    private void advanceQuietRanges() {
        for (var range : leases.held().entrySet()) {
            EventPosition read = readThrough.get(range.getKey());
            if (read == null) {
                continue;
            }
            try {
                advanceQuiet(range.getKey(), range.getValue(), read);
            } catch (LeaseLostException e) {
                lost(range.getKey());
            }
        }
    }

    private void lost(int range) {
        readThrough.remove(range);
        leases.lost(range);
    }

    /** Matches one batch of each held range (of {@code only}, unless null). */
    private int match(Set<Integer> only) {
        int matched = 0;
        for (var range : leases.held().entrySet()) {
            if (only != null && !only.contains(range.getKey())) {
                continue;
            }
            if (failures.backingOff(range.getKey())) {
                continue;
            }
            try {
                matched += matchBatch(range.getKey(), range.getValue());
                failures.succeeded(range.getKey());
            } catch (LeaseLostException e) {
                lost(range.getKey());
            } catch (DataAccessException e) {
                if (RangeFailures.isTransient(e)) {
                    throw e; // the database itself: the work loop backs off and logs it
                }
                // a data error: once, a subscription deleted while its deliveries were written; again and again, persistent
                failures.failed(range.getKey(), range.getValue(), e);
            }
        }
        return matched;
    }

    private int matchBatch(int range, EventPosition checkpoint) {
        FeedPage page = store.follow(checkpoint, settings.batchSize(), leases.range(range));
        if (page.events().size() == settings.batchSize()) {
            behind.add(range);
        } else {
            behind.remove(range);
        }
        // after reading the events: every subscription validated before they were readable is in the index
        catalog.refresh();
        if (page.events().isEmpty()) {
            lagMillisByRange.put(range, 0L);
            readThrough.put(range, page.next());
            advanceQuiet(range, checkpoint, page.next());
            return 0;
        }
        DeliveryRows rows = DeliveryRows.match(page.events(), catalog, parties, access);
        EventPosition next = page.next();
        int created = transactions.execute(status -> {
            fence(range, checkpoint, next);
            return rows.insert(jdbc, DeliveryRows.AFTER_VALIDATING_TRANSACTION);
        });
        leases.advanced(range, next);
        readThrough.put(range, next); // only once the deliveries are written: until then, this range is read again
        counters.batch(page.events().size(), created, rows.denied());
        if (created > 0) {
            this.created.accept(new DeliveriesCreated(created));
        }
        StoredEvent last = page.events().get(page.events().size() - 1);
        boolean behind = page.events().size() == settings.batchSize();
        lagMillisByRange.put(range, behind ? Math.max(0, clock.millis() - last.storedAt().toEpochMilli()) : 0L);
        return page.events().size();
    }

    /**
     * None of this range's events up to {@code to}, but the log moved on: moves the checkpoint past it now
     * and then (at most once a second), so a quiet range does not keep re-reading other ranges' events.
     */
    private void advanceQuiet(int range, EventPosition checkpoint, EventPosition to) {
        long now = clock.millis();
        if (to.isAfter(checkpoint) && now - lastQuietAdvance.getOrDefault(range, 0L) >= QUIET_ADVANCE_MILLIS) {
            transactions.executeWithoutResult(status -> fence(range, checkpoint, to));
            leases.advanced(range, to);
            lastQuietAdvance.put(range, now);
        }
    }

    /** Moves the range's checkpoint, if this instance still owns it and nobody moved it meanwhile. */
    private void fence(int range, EventPosition from, EventPosition to) {
        int fenced = jdbc.update("UPDATE matcher_lease SET checkpoint_tx = ?, checkpoint_seq = ? "
                        + "WHERE range_id = ? AND owner = ? AND checkpoint_tx = ? AND checkpoint_seq = ?",
                to.tx(), to.seq(), range, leases.instance(), from.tx(), from.seq());
        if (fenced != 1) {
            throw new LeaseLostException();
        }
    }

    /** Asks the matcher to look at every range now rather than after its poll interval. */
    public void wakeUp() {
        readThrough.clear();
        lastFullRound = 0;
        loop.wakeUp();
    }

    /** Events were committed on this instance: their ranges are read now rather than after the poll interval. */
    @EventListener(EventsAppended.class)
    public void wakeUp(EventsAppended appended) {
        for (String resource : appended.resources()) {
            touched.add(LogRange.indexOf(resource, leases.ranges()));
        }
        loop.wakeUp();
    }

    @Override
    public void start() {
        heartbeats = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "herald-matcher-leases");
            thread.setDaemon(true);
            return thread;
        });
        long beat = Math.max(1, settings.leaseDuration().toMillis() / 3);
        heartbeats.scheduleWithFixedDelay(this::heartbeat, 0, beat, TimeUnit.MILLISECONDS);
        loop.start();
        log.info("Matcher {} started: {} log ranges, batches of {}, lease {}", leases.instance(), leases.ranges(),
                settings.batchSize(), settings.leaseDuration());
    }

    private void heartbeat() {
        try {
            Set<Integer> before = Set.copyOf(leases.held().keySet());
            leases.heartbeat();
            if (!before.containsAll(leases.held().keySet())) {
                wakeUp(); // ranges taken on (at start, or from an instance gone): read them now, not at the next full round
            }
            long slowest = leases.held().values().stream().mapToLong(EventPosition::seq).min().orElse(Long.MAX_VALUE);
            Long head = jdbc.queryForObject("SELECT last_value FROM event_seq", Long.class);
            lagEvents.set(slowest == Long.MAX_VALUE || head == null ? 0 : Math.max(0, head - slowest));
        } catch (RuntimeException e) {
            log.warn("Matcher {} could not renew its leases: {}", leases.instance(), e.toString());
        }
    }

    /** Stops and gives the ranges back, so other instances continue at once. */
    @Override
    public void stop() {
        halt();
        leases.releaseAll();
        log.info("Matcher {} stopped and gave back its log ranges", leases.instance());
    }

    /** Stops working without giving anything back, as a crash would: others take over when the leases expire. */
    public void halt() {
        loop.stop(Duration.ofSeconds(10));
        if (heartbeats != null) {
            heartbeats.shutdownNow();
            try {
                heartbeats.awaitTermination(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return loop.isRunning();
    }
}
