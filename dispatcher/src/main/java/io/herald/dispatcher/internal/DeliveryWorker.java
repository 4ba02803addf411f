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
import java.util.function.Function;
import java.util.stream.Collectors;

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
public final class DeliveryWorker implements SmartLifecycle {

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

    /** Claims and sends one batch (as far as there is room); returns how many were sent. Tests may call it directly once the worker is started. */
    public int dispatchOnce() {
        // an endpoint whose last request was answered between its slots being found full and its
        // subscriptions being held back would otherwise hold them back for good: no answer is left to come
        waitingForSlot.keySet().removeIf(key -> {
            Semaphore slots = perEndpoint.get(key);
            return slots == null || slots.availablePermits() > 0;
        });
        int room = Math.min(settings.batchSize(), inFlight.availablePermits());
        if (room == 0) {
            return 0;
        }
        List<ClaimedDelivery> claimed = queue.claim(room, settings.claimLease(), heldBack());
        if (claimed.isEmpty()) {
            return 0;
        }
        Map<EventPosition, StoredEvent> events = store.find(claimed.stream().map(ClaimedDelivery::event).toList()).stream()
                .collect(Collectors.toMap(StoredEvent::position, Function.identity(), (a, b) -> a));
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
        putBack.forEach((delay, deliveries) -> queue.postponeAll(deliveries, delay));
        unsignable.putBack(queue);
        return sent;
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
        Semaphore endpointSlots = perEndpoint.computeIfAbsent(key, k -> new Semaphore(settings.maxInFlightPerEndpoint()));
        if (!endpointSlots.tryAcquire()) {
            breaker.releasePermission();
            // this endpoint's deliveries are not claimed again until one of its requests is answered
            waitingForSlot.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(delivery.subscription().value());
            metrics.postponed();
            putBack.computeIfAbsent(Duration.ZERO, d -> new ArrayList<>()).add(delivery);
            return false;
        }
        inFlight.acquireUninterruptibly();
        if (!channel.admit(target)) {
            // over the number's allowance: told in the digest at the end of its window (SmsDigests)
            breaker.releasePermission();
            endpointSlots.release();
            recorder.add(new Recording(new DeliveryQueue.Settled(delivery, new SendResult(SendResult.NO_ANSWER, null, 0, null,
                    null, null), FOLDED, "delivered", null), null));
            return false;
        }
        DeliveryChannel.Request request;
        try {
            request = channel.prepare(delivery.webhookId(), target, event, clock.instant());
        } catch (IllegalArgumentException e) {
            // e.g. push keys that are no P-256 point, a payload too large: sending again cannot help
            breaker.releasePermission();
            endpointSlots.release();
            settle(delivery, SendResult.refused(e.getMessage(), 0), new DeliveryOutcome.Refused(e.getMessage()));
            return false;
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
            if (waitingForSlot.remove(key) != null) {
                loop.wakeUp();
            }
            settle(delivery, outcome, channel.classify(outcome, clock.instant()));
        });
        return true;
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

    /** New deliveries were written on this instance: look now rather than at the next poll. */
    @EventListener(DeliveriesCreated.class)
    public void wakeUp() {
        loop.wakeUp();
    }

    @Override
    public synchronized void start() {
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

    @Override
    public boolean isRunning() {
        return loop.isRunning();
    }
}
