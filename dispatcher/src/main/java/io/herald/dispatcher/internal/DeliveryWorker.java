package io.herald.dispatcher.internal;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.herald.dispatcher.DeliveryOutcome;
import io.herald.dispatcher.DispatcherProperties;
import io.herald.dispatcher.RetryDecision;
import io.herald.dispatcher.RetryPolicy;
import io.herald.store.EventPosition;
import io.herald.store.EventStore;
import io.herald.store.StoredEvent;
import io.herald.store.WorkLoop;
import io.herald.subscriptions.DeliveriesCreated;
import io.herald.subscriptions.DeliveryHandoff;
import io.herald.subscriptions.DeliveryTarget;
import io.herald.subscriptions.OutboundGuard;
import io.herald.subscriptions.SubscriptionId;
import io.herald.subscriptions.SubscriptionService;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Pushes due deliveries: claims a batch, signs each event (Standard Webhooks), POSTs it, and hands
 * each answer to a recorder that writes attempts in batches — a slow endpoint holds only its own
 * requests, capped per endpoint, never the batch or other endpoints. What an answer leads to (done, retry
 * when, dead letter, disable) is {@link RetryPolicy}'s decision alone.
 */
public final class DeliveryWorker implements SmartLifecycle, DeliveryHandoff {

    private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);
    /** The most attempts written in one transaction. */
    private static final int RECORD_BATCH = 200;
    /** How long a paused subscription's deliveries wait before they are looked at again. */
    private static final Duration PAUSED_DELAY = Duration.ofMinutes(1);
    /** The outcome of a delivery the channel did not admit (an SMS over its number's allowance): in the digest instead. */
    static final String FOLDED = "folded into the number's SMS digest";

    private final EventStore store;
    private final SubscriptionService subscriptions;
    private final DeliveryQueue queue;
    private final RetryPolicy policy;
    private final DeliveryChannels channels;
    private final DispatcherProperties settings;
    private final Clock clock;
    private final DeliveryMetrics metrics;
    private final Semaphore inFlight;
    private final Map<String, Semaphore> perEndpoint = new ConcurrentHashMap<>();
    private final RateCaps rateCaps = new RateCaps();
    private final CircuitBreakerRegistry breakers;
    private final OutboundGuard guard;
    /** Made at each start, closed at each stop: Spring may stop a context and start it again. */
    private ExecutorService httpThreads;
    private volatile WebhookClient client;
    private final WorkLoop loop;
    private final EndpointHealth health;
    private final UnsignableSubscriptions unsignable = new UnsignableSubscriptions(PAUSED_DELAY);
    /** Endpoints (by key) whose slots were all in use, with the subscriptions that found them so. */
    private final Map<String, Set<Long>> waitingForSlot = new ConcurrentHashMap<>();
    /** Claimed deliveries of busy endpoints, sent from memory as those endpoints' slots free. */
    private final WaitingDeliveries waiting;
    /** When the targets of the waiting deliveries were last read again ({@link System#nanoTime()}). */
    private volatile long waitingCheckedAt = System.nanoTime();
    private volatile boolean stopping;
    /** Deliveries the matcher wrote reserved for this instance: sent without a claim. */
    private final java.util.concurrent.ConcurrentLinkedQueue<ClaimedDelivery> handed = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** How many wait in {@link #handed}. */
    private final AtomicInteger handedCount = new AtomicInteger();
    /** When deliveries were last claimed from the table ({@link System#nanoTime()}). */
    private volatile long lastClaimed = System.nanoTime();
    /**
     * Whether the table may hold deliveries due now that a poll would not wait for: set by deliveries written due
     * on this instance ({@link DeliveriesCreated}), by deliveries put back due at once, by a claim that filled all
     * the room it had, and by a busy endpoint's subscriptions no longer being held back; cleared by each claim. While it is clear, the loop woken by answers being recorded sends
     * what was handed over without asking the table, and looks there once a poll interval.
     */
    private volatile boolean mayBeDue = true;
    private final java.util.concurrent.BlockingQueue<Recording> recorder = new java.util.concurrent.LinkedBlockingQueue<>();
    private volatile boolean recording;
    private Thread recorderThread;

    DeliveryWorker(EventStore store, SubscriptionService subscriptions, DeliveryQueue queue, RetryPolicy policy,
            DispatcherProperties settings, OutboundGuard guard, EndpointHealth health, Clock clock, MeterRegistry meters) {
        this(store, subscriptions, queue, policy, settings, guard, health, clock, meters, DeliveryChannels.webhookOnly());
    }

    DeliveryWorker(EventStore store, SubscriptionService subscriptions, DeliveryQueue queue, RetryPolicy policy,
            DispatcherProperties settings, OutboundGuard guard, EndpointHealth health, Clock clock, MeterRegistry meters,
            DeliveryChannels channels) {
        this.channels = channels;
        this.health = health;
        this.guard = guard;
        this.store = store;
        this.subscriptions = subscriptions;
        this.queue = queue;
        this.policy = policy;
        this.settings = settings;
        this.clock = clock;
        this.metrics = new DeliveryMetrics(meters);
        this.inFlight = new Semaphore(settings.maxInFlight());
        // a claim's worth per endpoint, so that a backlog is claimed once; no more over all than requests in flight
        this.waiting = new WaitingDeliveries(Math.max(settings.batchSize(), 2 * settings.maxInFlightPerEndpoint()),
                settings.maxInFlight());
        this.loop = new WorkLoop("herald-dispatcher", settings.pollInterval(), this::dispatchOnce);
        DispatcherProperties.Breaker breaker = settings.breaker();
        this.breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .failureRateThreshold(breaker.failureRateThreshold())
                .slidingWindowSize(breaker.slidingWindowSize())
                .minimumNumberOfCalls(breaker.minimumNumberOfCalls())
                .waitDurationInOpenState(breaker.waitInOpenState())
                .permittedNumberOfCallsInHalfOpenState(breaker.probes())
                .build());
        metrics.breakerStates(breakers);
        metrics.queueDepth(queue::depth);
        metrics.unsignable(unsignable);
    }

    /** The breaker of an endpoint, by host and port: for tests and operators' questions. */
    CircuitBreaker breaker(URI endpoint) {
        return breakers.circuitBreaker(endpointKey(endpoint));
    }

    private static String endpointKey(URI endpoint) {
        int port = endpoint.getPort() != -1 ? endpoint.getPort() : "https".equalsIgnoreCase(endpoint.getScheme()) ? 443 : 80;
        return endpoint.getHost().toLowerCase(java.util.Locale.ROOT) + ":" + port;
    }

    /**
     * How many deliveries the matcher may hand over now: as many as this instance has free request slots for,
     * less those handed over and not yet sent, up to a batch; none while stopped or stopping.
     */
    @Override
    public int room() {
        if (stopping || !loop.isRunning()) {
            return 0;
        }
        return Math.max(0, Math.min(settings.batchSize(), inFlight.availablePermits() - handedCount.get()));
    }

    @Override
    public Duration lease() {
        return settings.claimLease();
    }

    /** Keeps the deliveries handed over for the loop's next turn, which sends them before it claims any. */
    @Override
    public void take(List<HandedDelivery> deliveries) {
        if (stopping) {
            // stopped since the matcher asked for room: due at once for whichever instance claims next
            queue.postponeAll(deliveries.stream().map(DeliveryWorker::claimedAtCreation).toList(), Duration.ZERO);
            return;
        }
        for (HandedDelivery delivery : deliveries) {
            handed.add(claimedAtCreation(delivery));
        }
        handedCount.addAndGet(deliveries.size());
        loop.wakeUp();
    }

    /** Up to {@code most} of the deliveries handed over and not yet taken, in the order they came. */
    private List<ClaimedDelivery> takeHanded(int most) {
        List<ClaimedDelivery> taken = new ArrayList<>();
        ClaimedDelivery next;
        while (taken.size() < most && (next = handed.poll()) != null) {
            handedCount.decrementAndGet();
            taken.add(next);
        }
        return taken;
    }

    /** A delivery handed over as the claim it stands for: its first attempt, without a claim number. */
    private static ClaimedDelivery claimedAtCreation(HandedDelivery delivery) {
        return new ClaimedDelivery(delivery.id(), delivery.subscription(), delivery.event(), 1, ClaimedDelivery.AT_CREATION);
    }

    /**
     * Sends one batch (as far as there is room): the deliveries handed over at their creation first, then
     * claimed ones; returns how many were sent. Tests may call it directly once the worker is started.
     */
    public int dispatchOnce() {
        resumeWaiting();
        int room = Math.min(settings.batchSize(), inFlight.availablePermits());
        if (room == 0) {
            return 0;
        }
        List<ClaimedDelivery> claimed = takeHanded(room);
        // the table is looked at when something may be due there, and at least once a poll interval: retries that fall
        // due, ordered deliveries and other instances' expired claims come from there
        if (claimed.size() < room && (mayBeDue || System.nanoTime() - lastClaimed >= settings.pollInterval().toNanos())) {
            lastClaimed = System.nanoTime();
            mayBeDue = false;
            int asked = room - claimed.size();
            List<ClaimedDelivery> fromTable = queue.claim(asked, settings.claimLease(), heldBack());
            if (fromTable.size() == asked) {
                mayBeDue = true; // more may be waiting behind them
            }
            claimed.addAll(fromTable);
        }
        if (claimed.isEmpty()) {
            return 0;
        }
        Map<EventPosition, StoredEvent> events = new HashMap<>();
        for (StoredEvent event : store.find(claimed.stream().map(ClaimedDelivery::event).distinct().toList())) {
            events.put(event.position(), event);
        }
        Map<SubscriptionId, DeliveryTarget> targets = subscriptions.deliveryTargets(
                claimed.stream().map(ClaimedDelivery::subscription).distinct().toList());
        Map<Duration, List<ClaimedDelivery>> putBack = new HashMap<>();
        int sent = 0;
        for (ClaimedDelivery delivery : claimed) {
            DeliveryTarget target = targets.get(delivery.subscription());
            StoredEvent event = events.get(delivery.event().position());
            if (target == null) {
                continue; // deleted: its deliveries went with it
            }
            if (event == null) {
                queue.deadLetterWithoutAttempt(delivery, "the event is no longer retained");
                metrics.deadLettered();
                continue;
            }
            if (!target.active()) {
                putBack.computeIfAbsent(PAUSED_DELAY, d -> new ArrayList<>()).add(delivery);
                continue;
            }
            if (unsignable.holdBack(target)) {
                unsignable.add(delivery);
                continue;
            }
            if (send(delivery, target, event, putBack)) {
                sent++;
            }
        }
        putBack(putBack);
        unsignable.putBack(queue);
        return sent;
    }

    /**
     * Sends what waits for endpoints with free slots (a waiting delivery that found every request slot of
     * this instance taken goes out here, once attempts are written and give theirs back), after reading
     * again, at most once a poll interval, whether their subscriptions still exist and take pushes; and
     * lets the claims take again the subscriptions of endpoints that are no longer busy.
     */
    private void resumeWaiting() {
        if (waiting.size() > 0 && System.nanoTime() - waitingCheckedAt >= settings.pollInterval().toNanos()) {
            recheckWaiting();
        }
        for (String key : waiting.endpoints()) {
            sendWaiting(key);
        }
        // an endpoint answered between its slots being found full and its subscriptions being held back:
        // no answer is left to come that would let them go
        if (waitingForSlot.keySet().removeIf(key -> waiting.waitingFor(key) <= settings.maxInFlightPerEndpoint()
                && slots(key).availablePermits() > 0)) {
            mayBeDue = true;
        }
    }

    /**
     * A subscription deleted since its deliveries were claimed takes them with it, one paused has them
     * put back as the claim would, and the others are sent with what their subscription is now (a
     * rotated secret, say): revoking is as immediate for waiting deliveries as for claimed ones.
     */
    private void recheckWaiting() {
        waitingCheckedAt = System.nanoTime();
        Map<SubscriptionId, DeliveryTarget> targets = subscriptions.deliveryTargets(List.copyOf(waiting.subscriptions()));
        List<ClaimedDelivery> paused = new ArrayList<>();
        waiting.update(next -> {
            DeliveryTarget target = targets.get(next.delivery().subscription());
            if (target == null) {
                return null;
            }
            if (!target.active()) {
                paused.add(next.delivery());
                return null;
            }
            return new WaitingDeliveries.Waiting(next.delivery(), target, next.event(), next.since());
        });
        queue.postponeAll(paused, PAUSED_DELAY);
    }

    /**
     * Sends the endpoint's waiting deliveries while it has free slots (from the loop and from answers).
     * One that waited half its claim lease goes back to the queue instead: another instance may take it
     * over soon.
     */
    private void sendWaiting(String key) {
        Semaphore endpointSlots = slots(key);
        Map<Duration, List<ClaimedDelivery>> putBack = new HashMap<>();
        while (!stopping && waiting.waitingFor(key) > 0 && endpointSlots.tryAcquire()) {
            WaitingDeliveries.Waiting next = waiting.next(key);
            if (next == null) {
                endpointSlots.release();
                break;
            }
            if (System.nanoTime() - next.since() > settings.claimLease().toNanos() / 2) {
                endpointSlots.release();
                putBack.computeIfAbsent(Duration.ZERO, d -> new ArrayList<>()).add(next.delivery());
                continue;
            }
            CircuitBreaker breaker = breakers.circuitBreaker(key);
            if (!breaker.tryAcquirePermission()) {
                endpointSlots.release();
                metrics.heldByBreaker();
                putBack.computeIfAbsent(settings.breaker().waitInOpenState(), d -> new ArrayList<>()).add(next.delivery());
                continue;
            }
            if (!inFlight.tryAcquire()) {
                // every request slot of this instance is taken: the loop sends it once attempts are written
                breaker.releasePermission();
                endpointSlots.release();
                waiting.putFirst(key, next);
                break;
            }
            post(next.delivery(), next.target(), next.event(), channels.of(next.target()), key, breaker, endpointSlots);
        }
        // one statement per delay for what goes back, not one per delivery (an opened breaker sends back a whole line)
        putBack(putBack);
    }

    /** Puts deliveries back in the table, one statement per delay; those due at once are claimed at the next turn. */
    private void putBack(Map<Duration, List<ClaimedDelivery>> byDelay) {
        byDelay.forEach((delay, deliveries) -> queue.postponeAll(deliveries, delay));
        if (byDelay.containsKey(Duration.ZERO)) {
            mayBeDue = true;
        }
    }

    private Semaphore slots(String key) {
        return perEndpoint.computeIfAbsent(key, k -> new Semaphore(settings.maxInFlightPerEndpoint()));
    }

    /** The subscriptions whose endpoint had no free slot when last tried: not claimed until a slot frees. */
    private long[] heldBack() {
        return waitingForSlot.values().stream().flatMap(Set::stream).mapToLong(Long::longValue).toArray();
    }

    /**
     * Sends the delivery and returns true; or settles it without a request (refused by the outbound
     * guard), or puts it in {@code putBack} under the delay before it is due again (its endpoint's
     * breaker is open, or its slots are all in use), and returns false.
     */
    private boolean send(ClaimedDelivery delivery, DeliveryTarget target, StoredEvent event,
            Map<Duration, List<ClaimedDelivery>> putBack) {
        DeliveryChannel channel = channels.of(target);
        URI endpoint = channel == null ? target.endpoint() : channel.destination(target);
        Optional<String> refusal = channels.refusal(target).or(() -> guard.refusal(endpoint));
        if (refusal.isPresent()) {
            SendResult refused = new SendResult(SendResult.NO_ANSWER, null, 0, null, "Refused", refusal.get());
            inFlight.acquireUninterruptibly();
            settle(delivery, refused, new DeliveryOutcome.Refused(refusal.get()));
            return false;
        }
        Duration rateWait = rateCaps.waitBefore(target);
        if (!rateWait.isZero()) {
            // the endpoint allowed only so many requests a minute in its web hook handshake
            putBack.computeIfAbsent(rateWait, d -> new ArrayList<>()).add(delivery);
            return false;
        }
        String key = endpointKey(endpoint);
        CircuitBreaker breaker = breakers.circuitBreaker(key);
        if (!breaker.tryAcquirePermission()) {
            // a failing endpoint gets probes, not traffic; its deliveries wait without using up attempts
            metrics.heldByBreaker();
            putBack.computeIfAbsent(settings.breaker().waitInOpenState(), d -> new ArrayList<>()).add(delivery);
            return false;
        }
        Semaphore endpointSlots = slots(key);
        boolean slot = endpointSlots.tryAcquire();
        if (!slot || !inFlight.tryAcquire()) {
            breaker.releasePermission();
            if (slot) {
                endpointSlots.release();
            }
            if (!stopping && waiting.add(key, new WaitingDeliveries.Waiting(delivery, target, event, System.nanoTime()))) {
                if (waiting.waitingFor(key) > settings.maxInFlightPerEndpoint()) {
                    // enough wait for it: its subscription is not claimed again until most of those have gone out
                    hold(key, delivery);
                }
                sendWaiting(key); // a slot may have come free meanwhile
                return false;
            }
            // this endpoint's deliveries are not claimed again until its waiting ones have gone out
            hold(key, delivery);
            metrics.postponed();
            putBack.computeIfAbsent(Duration.ZERO, d -> new ArrayList<>()).add(delivery);
            return false;
        }
        post(delivery, target, event, channel, key, breaker, endpointSlots);
        return true;
    }

    private void hold(String key, ClaimedDelivery delivery) {
        waitingForSlot.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(delivery.subscription().value());
    }

    /** POSTs the delivery; the caller holds a request slot, the endpoint's slot and the breaker's permission. */
    private void post(ClaimedDelivery delivery, DeliveryTarget target, StoredEvent event, DeliveryChannel channel, String key,
            CircuitBreaker breaker, Semaphore endpointSlots) {
        if (!channel.admit(target)) {
            // over the number's allowance: told in the digest at the end of its window (SmsDigests)
            breaker.releasePermission();
            endpointSlots.release();
            recorder.add(new Recording(new DeliveryQueue.Settled(delivery, new SendResult(SendResult.NO_ANSWER, null, 0, null,
                    null, null), FOLDED, "delivered", null), null));
            sendWaiting(key);
            return;
        }
        DeliveryChannel.Request request;
        try {
            request = channel.prepare(delivery.webhookId(), target, event, clock.instant());
        } catch (IllegalArgumentException e) {
            // e.g. push keys that are no P-256 point, a payload too large: sending again cannot help
            breaker.releasePermission();
            endpointSlots.release();
            settle(delivery, SendResult.refused(e.getMessage(), 0), new DeliveryOutcome.Refused(e.getMessage()));
            sendWaiting(key);
            return;
        }
        client.post(request).whenComplete((result, failure) -> {
            SendResult outcome = channel.redact(failure == null ? result
                    : new SendResult(SendResult.NO_ANSWER, null, 0, null, failure.getClass().getSimpleName(), failure.getMessage()));
            if (outcome.answered() && outcome.status() >= 200 && outcome.status() <= 299) {
                breaker.onSuccess(outcome.latencyMillis(), TimeUnit.MILLISECONDS);
            } else if (outcome.refused()) {
                breaker.releasePermission(); // Herald's own refusal says nothing about the endpoint's health
            } else {
                breaker.onError(outcome.latencyMillis(), TimeUnit.MILLISECONDS, new EndpointFailure(outcome));
            }
            endpointSlots.release();
            sendWaiting(key);
            if (waiting.waitingFor(key) <= settings.maxInFlightPerEndpoint() && waitingForSlot.remove(key) != null) {
                mayBeDue = true; // its subscriptions' due deliveries, left out of the claims while it was busy
                loop.wakeUp();
            }
            settle(delivery, outcome, channel.classify(outcome, clock.instant()));
        });
    }

    /** What the breaker counts as a failed attempt: no stack trace, nothing but the outcome. */
    private static final class EndpointFailure extends RuntimeException {
        EndpointFailure(SendResult result) {
            super(result.answered() ? "HTTP " + result.status() : result.errorClass(), null, false, false);
        }
    }

    /**
     * Decides what the attempt leads to ({@link RetryPolicy}) and hands it to the recorder, which
     * writes attempts in batches; the request slot ({@code inFlight}) is given back once it is
     * written, so an instance never has more unrecorded attempts than requests it may send.
     */
    private void settle(ClaimedDelivery delivery, SendResult result, DeliveryOutcome outcome) {
        var decision = policy.decide(delivery.attempt(), outcome);
        DeliveryQueue.Settled settled;
        String disableReason = null;
        if (decision instanceof RetryDecision.RetryAt retry) {
            settled = new DeliveryQueue.Settled(delivery, result, "retry", "pending", retry.delay());
        } else if (decision instanceof RetryDecision.DeadLetter dead) {
            settled = new DeliveryQueue.Settled(delivery, result, "dead-letter: " + dead.reason(), "dead", null);
        } else if (decision instanceof RetryDecision.Disable disable) {
            settled = new DeliveryQueue.Settled(delivery, result, "disabled: " + disable.reason(), "dead", null);
            disableReason = disable.reason();
        } else {
            settled = new DeliveryQueue.Settled(delivery, result, "delivered", "delivered", null);
        }
        recorder.add(new Recording(settled, disableReason));
    }

    /** An attempt waiting to be written, and the subscription to disable once it is (410 Gone). */
    private record Recording(DeliveryQueue.Settled settled, String disableReason) {
    }

    /** Writes settled attempts in batches (one transaction each), then what follows from them. */
    private void record() {
        List<Recording> batch = new ArrayList<>();
        while (recording || !recorder.isEmpty()) {
            try {
                Recording first = recorder.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                recorder.drainTo(batch, RECORD_BATCH - 1);
                writeAndFollow(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                inFlight.release(batch.size());
                batch.clear();
                loop.wakeUp();
            }
        }
    }

    private void writeAndFollow(List<Recording> batch) {
        try {
            int superseded = queue.recordAll(batch.stream().map(Recording::settled).toList());
            if (superseded > 0) {
                // written too late: the claim lease ran out and another instance claimed these meanwhile
                log.warn("{} of {} delivery attempts were recorded after their claim lease ended; the newer claims' "
                        + "outcomes were kept", superseded, batch.size());
            }
        } catch (RuntimeException e) {
            // the claim leases run out and these deliveries are tried again: at least once, never lost
            log.warn("Could not record {} delivery attempts: {}", batch.size(), e.toString());
            return;
        }
        for (Recording recorded : batch) {
            DeliveryQueue.Settled settled = recorded.settled();
            String outcome = settled.outcome().startsWith("dead-letter") ? "dead-letter"
                    : settled.outcome().startsWith("disabled") ? "disabled"
                    : FOLDED.equals(settled.outcome()) ? "folded" : settled.outcome();
            metrics.attempt(outcome, settled.result().latencyMillis());
            if ("dead".equals(settled.status())) {
                metrics.deadLettered();
            }
            if (recorded.disableReason() != null) {
                try {
                    health.disableNow(settled.delivery().subscription(), recorded.disableReason());
                } catch (RuntimeException e) {
                    log.warn("Could not disable subscription {} after a 410: {}", settled.delivery().subscription(), e.toString());
                }
            }
        }
    }

    /** New deliveries were written due on this instance: look now rather than at the next poll. */
    @EventListener(DeliveriesCreated.class)
    public void wakeUp() {
        mayBeDue = true;
        loop.wakeUp();
    }

    @Override
    public synchronized void start() {
        stopping = false;
        mayBeDue = true;
        var counter = new AtomicInteger();
        // two threads take the answers off the HTTP client's own I/O threads
        httpThreads = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "herald-webhook-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        client = new WebhookClient(guard, settings, httpThreads);
        recording = true;
        recorderThread = new Thread(this::record, "herald-delivery-recorder");
        recorderThread.setDaemon(true);
        recorderThread.start();
        loop.start();
        log.info("Dispatcher started: up to {} requests in flight, {} per endpoint", settings.maxInFlight(),
                settings.maxInFlightPerEndpoint());
    }

    /** Stops claiming, and waits (within the response timeout) for the requests in flight to be recorded. */
    @Override
    public synchronized void stop() {
        long waitMillis = settings.responseTimeout().plus(settings.connectTimeout()).toMillis();
        loop.stop(java.time.Duration.ofMillis(waitMillis));
        stopping = true;
        putBackWaiting();
        try {
            // every request answered and its attempt written gives its permit back
            if (inFlight.tryAcquire(settings.maxInFlight(), waitMillis, TimeUnit.MILLISECONDS)) {
                inFlight.release(settings.maxInFlight());
            }
            recording = false;
            if (recorderThread != null) {
                recorderThread.join(waitMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (client != null) {
            client.close();
            httpThreads.shutdownNow();
        }
        log.info("Dispatcher stopped");
    }

    /**
     * Puts every waiting delivery, and every one handed over and not sent yet, back in the queue, due at once: on
     * stop, so that none waits for its lease.
     */
    private void putBackWaiting() {
        List<ClaimedDelivery> all = new ArrayList<>(waiting.takeAll().stream().map(WaitingDeliveries.Waiting::delivery).toList());
        all.addAll(takeHanded(Integer.MAX_VALUE));
        try {
            queue.postponeAll(all, Duration.ZERO);
        } catch (RuntimeException e) {
            log.warn("Could not put {} waiting deliveries back; they are claimed again when their lease ends: {}", all.size(),
                    e.toString());
        }
    }

    @Override
    public boolean isRunning() {
        return loop.isRunning();
    }
}
