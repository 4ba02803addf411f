package io.herald.subscriptions.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

import io.herald.store.EventPosition;
import io.herald.store.EventStore;
import io.herald.store.EventsAppended;
import io.herald.store.FeedPage;
import io.herald.store.LogRange;
import io.herald.store.StoredEvent;
import io.herald.store.WorkLoop;
import io.herald.subscriptions.DeliveriesCreated;
import io.herald.subscriptions.DeliveryHandoff;
import io.herald.subscriptions.PartyRegistry;
import io.herald.subscriptions.SubscriptionsProperties;
import io.herald.subscriptions.access.SubscriberAccess;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Follows each log range this instance leases, matches every event against the subscription
 * index and writes one delivery per (subscription, event) — in the same statement that moves
 * the range's checkpoint, fenced on the lease, so a batch counts once even when a lease changes
 * hands mid-way. The delivery insert re-checks each subscription's state in the database, so a
 * pause or delete committed before the batch commits stops its deliveries. An event is matched to
 * a subscription only if its owner may read it ({@link SubscriberAccess}, asked once per batch); a match
 * it may not read writes no delivery and counts in {@code herald.matcher.denied}.
 */
public final class ChangeFeedMatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ChangeFeedMatcher.class);
    private static final long QUIET_ADVANCE_MILLIS = 1_000;
    /** The least time between two rounds woken by appends while no range is behind. */
    private static final long WOKEN_ROUND_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** Moves a range's checkpoint (to tx, seq) if this instance (owner) still holds it where it was (from tx, seq). */
    private static final String FENCE = "UPDATE matcher_lease SET checkpoint_tx = ?, checkpoint_seq = ? "
            + "WHERE range_id = ? AND owner = ? AND checkpoint_tx = ? AND checkpoint_seq = ?";

    /** The matcher's own lease was taken over while it worked: the batch is dropped. */
    private static final class LeaseLostException extends RuntimeException {
        LeaseLostException() {
            super("lease lost", null, false, false);
        }
    }

    private final EventStore store;
    private final JdbcTemplate jdbc;
    private final SubscriptionCatalog catalog;
    private final PartyRegistry parties;
    private final SubscriberAccess access;
    private final RangeLeases leases;
    private final SubscriptionsProperties.Matcher settings;
    private final Clock clock;
    private final MatcherCounters counters;
    private final RangeFailures failures;

    private final Map<Integer, Long> lagMillisByRange = new ConcurrentHashMap<>();
    /** When each range's checkpoint last moved ({@link Clock#millis()}): a quiet one moves again a second later at the earliest. */
    private final Map<Integer, Long> lastMoved = new ConcurrentHashMap<>();
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
    /** When the last round woken by appends began ({@link System#nanoTime()}). */
    private long lastWokenRound;
    private final WorkLoop loop;
    private final Consumer<DeliveriesCreated> created;
    /** Where the handoff comes from: resolved at start, when every bean of the application exists. */
    private final Supplier<DeliveryHandoff> handoffs;
    private volatile DeliveryHandoff handoff = DeliveryHandoff.NONE;
    private ScheduledExecutorService heartbeats;

    public ChangeFeedMatcher(EventStore store, JdbcTemplate jdbc,
            SubscriptionCatalog catalog, PartyRegistry parties, SubscriberAccess access, RangeLeases leases,
            SubscriptionsProperties.Matcher settings, Clock clock, MeterRegistry meters) {
        this(store, jdbc, catalog, parties, access, leases, settings, clock, meters, created -> { }, () -> null);
    }

    /**
     * @param created told after each commit that wrote new deliveries
     * @param handoffs the dispatcher of this instance, asked once at start, which takes deliveries at their
     *                 creation; null from it when there is none
     */
    public ChangeFeedMatcher(EventStore store, JdbcTemplate jdbc,
            SubscriptionCatalog catalog, PartyRegistry parties, SubscriberAccess access, RangeLeases leases,
            SubscriptionsProperties.Matcher settings, Clock clock, MeterRegistry meters,
            Consumer<DeliveriesCreated> created, Supplier<DeliveryHandoff> handoffs) {
        this.access = access;
        this.created = created;
        this.handoffs = handoffs;
        this.store = store;
        this.jdbc = jdbc;
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
     * are found so), and in between when events were committed here or a range is still behind: then
     * those ranges are due, and one read of the log serves them and the ranges level with them
     * ({@link #readTogether}) rather than a read per range held (16 by default) for every commit.
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
        if (behind.isEmpty()) {
            // under load, commits come faster than rounds: those of a few milliseconds go into one round, not one
            // round (a read and a look at the subscription catalog) each; a range catching up reads on at once
            long wait = lastWokenRound + WOKEN_ROUND_GAP_NANOS - now;
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
        lastWokenRound = System.nanoTime();
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

    /**
     * Matches one batch of each held range (of {@code only}, unless null): the ranges read up to about the
     * same place in one read of the log ({@link #readTogether}), the others each alone.
     */
    private int match(Set<Integer> only) {
        Map<Integer, EventPosition> readable = new TreeMap<>();
        Map<Integer, EventPosition> starts = new HashMap<>();
        for (var range : leases.held().entrySet()) {
            if (!failures.backingOff(range.getKey())) {
                readable.put(range.getKey(), range.getValue());
                starts.put(range.getKey(), start(range.getKey(), range.getValue()));
            }
        }
        Set<Integer> together = readTogether(starts, only);
        int matched = together.isEmpty() ? 0 : matchTogether(readable, starts, together);
        for (var range : readable.entrySet()) {
            int index = range.getKey();
            if ((only == null || only.contains(index)) && !together.contains(index)) {
                matched += guarded(index, range.getValue(), () -> matchBatch(index, range.getValue(), starts.get(index)));
            }
        }
        return matched;
    }

    /** Runs one range's work, dropping the range when its lease is lost and backing off from persistent data errors. */
    private int guarded(int range, EventPosition checkpoint, IntSupplier work) {
        try {
            int matched = work.getAsInt();
            failures.succeeded(range);
            return matched;
        } catch (LeaseLostException e) {
            lost(range);
        } catch (DataAccessException e) {
            if (RangeFailures.isTransient(e)) {
                throw e; // the database itself: the work loop backs off and logs it
            }
            // a data error: once, a subscription deleted while its deliveries were written; again and again, persistent
            failures.failed(range, checkpoint, e);
        }
        return 0;
    }

    /** Where this range's next read starts: its checkpoint, or further up where it was read through since. */
    private EventPosition start(int range, EventPosition checkpoint) {
        EventPosition read = readThrough.get(range);
        return read != null && read.isAfter(checkpoint) ? read : checkpoint;
    }

    /**
     * The most held ranges whose starts lie within one batch of each other, when one of them is due (any is,
     * when {@code due} is null): read together, one read of the whole log serves them all, where reading each
     * alone would scan the same stretch of the log once per range — a read of one range walks the log and
     * keeps that range's events. Ranges not due join the read, so that a range woken by its commits never
     * runs ahead of the others and leaves each of them to scan what it read, alone, at the next full round
     * (with all events in one resource, fifteen scans of 100 ms of the log ten times a second). A range further
     * behind (taken over, or catching up) reads alone, so it does not hold the others back. Empty when fewer
     * than half the log's ranges would be read together: most of the read would then be other instances' events.
     */
    private Set<Integer> readTogether(Map<Integer, EventPosition> starts, Set<Integer> due) {
        List<Map.Entry<Integer, EventPosition>> sorted = new ArrayList<>(starts.entrySet());
        sorted.sort(Comparator.comparingLong(range -> range.getValue().seq()));
        int bestFrom = 0;
        int bestSize = 0;
        for (int from = 0, to = 0; to < sorted.size(); to++) {
            while (sorted.get(to).getValue().seq() - sorted.get(from).getValue().seq() > settings.batchSize()) {
                from++;
            }
            if (to - from + 1 >= bestSize) { // the latest of equally large groups: the ranges caught up
                bestFrom = from;
                bestSize = to - from + 1;
            }
        }
        Set<Integer> together = new HashSet<>();
        for (var range : sorted.subList(bestFrom, bestFrom + bestSize)) {
            together.add(range.getKey());
        }
        boolean wanted = due == null || together.stream().anyMatch(due::contains);
        return wanted && together.size() > 1 && together.size() * 2 >= leases.ranges() ? together : Set.of();
    }

    /** One read of the log from the lowest start of {@code together}, its events split by range in memory. */
    private int matchTogether(Map<Integer, EventPosition> checkpoints, Map<Integer, EventPosition> starts, Set<Integer> together) {
        EventPosition from = null;
        for (Integer range : together) {
            EventPosition start = starts.get(range);
            from = from == null || from.isAfter(start) ? start : from;
        }
        FeedPage page = store.follow(from, settings.batchSize());
        boolean full = page.events().size() == settings.batchSize();
        catalog.refresh(); // after reading the events, as for a range read alone
        Map<Integer, List<StoredEvent>> byRange = new HashMap<>();
        for (StoredEvent event : page.events()) {
            int range = LogRange.indexOf(event.resource(), leases.ranges());
            if (together.contains(range) && event.position().isAfter(starts.get(range))) {
                byRange.computeIfAbsent(range, r -> new ArrayList<>()).add(event);
            }
        }
        int matched = 0;
        for (Integer range : together) {
            EventPosition start = starts.get(range);
            EventPosition next = page.next().isAfter(start) ? page.next() : start; // never back below where it was read
            List<StoredEvent> events = byRange.getOrDefault(range, List.of());
            matched += guarded(range, checkpoints.get(range), () -> matchRead(range, checkpoints.get(range), events, next, full));
        }
        return matched;
    }

    /** One range alone, from {@code start}: where it was read through (its checkpoint may be up to a second behind that). */
    private int matchBatch(int range, EventPosition checkpoint, EventPosition start) {
        FeedPage page = store.follow(start, settings.batchSize(), leases.range(range));
        // after reading the events: every subscription validated before they were readable is in the index
        catalog.refresh();
        return matchRead(range, checkpoint, page.events(), page.next(), page.events().size() == settings.batchSize());
    }

    /** Matches the range's events read up to {@code next} and moves its checkpoint there with their deliveries. */
    private int matchRead(int range, EventPosition checkpoint, List<StoredEvent> events, EventPosition next, boolean full) {
        if (full) {
            behind.add(range); // more is waiting there
        } else {
            behind.remove(range);
        }
        if (events.isEmpty()) {
            lagMillisByRange.put(range, 0L);
            readThrough.put(range, next);
            advanceQuiet(range, checkpoint, next);
            return 0;
        }
        DeliveryRows rows = DeliveryRows.match(events, catalog, parties, access);
        if (rows.isEmpty()) {
            // no subscription wants them: as for a range without events, the checkpoint moves up at most once a
            // second, not in a transaction of its own (and a commit to wait for) after every batch. Matched again
            // after a take-over, they find the same: a subscription validated since gets none of them (they are of
            // transactions before its validating one), and there are no deliveries to repeat.
            counters.batch(events.size(), 0, rows.denied());
            lag(range, events, full);
            readThrough.put(range, next);
            advanceQuiet(range, checkpoint, next);
            return events.size();
        }
        DeliveryHandoff taker = handoff;
        DeliveryRows.Written written = rows.insertGuarded(jdbc, DeliveryRows.AFTER_VALIDATING_TRANSACTION, taker.room(),
                taker.lease(), FENCE, next.tx(), next.seq(), range, leases.instance(), checkpoint.tx(), checkpoint.seq());
        if (written.created() < 0) {
            throw new LeaseLostException();
        }
        int created = written.created();
        if (!written.handed().isEmpty()) {
            taker.take(written.handed());
        }
        leases.advanced(range, next);
        lastMoved.put(range, clock.millis());
        readThrough.put(range, next); // only once the deliveries are written: until then, this range is read again
        counters.batch(events.size(), created, rows.denied());
        if (created > written.handed().size()) {
            // the ones handed over woke the dispatcher themselves: these wait in the table, due
            this.created.accept(new DeliveriesCreated(created - written.handed().size()));
        }
        lag(range, events, full);
        return events.size();
    }

    /** How far behind the range is: the age of its last event matched when more is waiting, else 0. */
    private void lag(int range, List<StoredEvent> events, boolean full) {
        StoredEvent last = events.get(events.size() - 1);
        lagMillisByRange.put(range, full ? Math.max(0, clock.millis() - last.storedAt().toEpochMilli()) : 0L);
    }

    /**
     * None of this range's events up to {@code to} wanted, but the log moved on: moves the checkpoint past it
     * now and then (at most once a second), so a quiet range does not keep re-reading other ranges' events.
     */
    private void advanceQuiet(int range, EventPosition checkpoint, EventPosition to) {
        long now = clock.millis();
        if (to.isAfter(checkpoint) && now - lastMoved.getOrDefault(range, 0L) >= QUIET_ADVANCE_MILLIS) {
            fence(range, checkpoint, to);
            leases.advanced(range, to);
            lastMoved.put(range, now);
        }
    }

    /** Moves the range's checkpoint, if this instance still owns it and nobody moved it meanwhile. */
    private void fence(int range, EventPosition from, EventPosition to) {
        int fenced = jdbc.update(FENCE, to.tx(), to.seq(), range, leases.instance(), from.tx(), from.seq());
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
    public void wakeUp(EventsAppended appended) {
        for (String resource : appended.resources()) {
            touched.add(LogRange.indexOf(resource, leases.ranges()));
        }
        loop.wakeUp();
    }

    @Override
    public void start() {
        DeliveryHandoff taker = handoffs.get();
        handoff = taker == null ? DeliveryHandoff.NONE : taker;
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
