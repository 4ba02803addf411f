package io.herald.dispatcher.internal;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
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
import io.herald.subscriptions.WebhookSigner;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Pushes due deliveries: claims a batch, signs each event (Standard Webhooks), POSTs it, and
 * records each attempt as soon as its answer comes — a slow endpoint holds only its own requests,
 * capped per endpoint, never the batch or other endpoints. What an answer leads to (done, retry
 * when, dead letter, disable) is {@link RetryPolicy}'s decision alone.
 */
public final class DeliveryWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);
    /** How long a delivery waits when its endpoint has no free slot: soon, but not in a busy loop. */
    private static final Duration BUSY_ENDPOINT_DELAY = Duration.ofMillis(500);
    /** How long a paused subscription's deliveries wait before they are looked at again. */
    private static final Duration PAUSED_DELAY = Duration.ofMinutes(1);

    private final EventStore store;
    private final SubscriptionService subscriptions;
    private final DeliveryQueue queue;
    private final RetryPolicy policy;
    private final WebhookSigner signer = new WebhookSigner();
    private final DispatcherProperties settings;
    private final Clock clock;
    private final DeliveryMetrics metrics;
    private final Semaphore inFlight;
    private final Map<String, Semaphore> perEndpoint = new ConcurrentHashMap<>();
    private final CircuitBreakerRegistry breakers;
    private final OutboundGuard guard;
    private final ExecutorService httpThreads;
    private final WebhookClient client;
    private final WorkLoop loop;

    DeliveryWorker(EventStore store, SubscriptionService subscriptions, DeliveryQueue queue, RetryPolicy policy,
            DispatcherProperties settings, OutboundGuard guard, Clock clock, MeterRegistry meters) {
        this.guard = guard;
        this.store = store;
        this.subscriptions = subscriptions;
        this.queue = queue;
        this.policy = policy;
        this.settings = settings;
        this.clock = clock;
        this.metrics = new DeliveryMetrics(meters);
        this.inFlight = new Semaphore(settings.maxInFlight());
        var counter = new AtomicInteger();
        // two threads record the answers, off the HTTP client's own I/O threads
        this.httpThreads = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "herald-webhook-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.client = new WebhookClient(guard, settings, httpThreads);
        this.loop = new WorkLoop("herald-dispatcher", settings.pollInterval(), this::dispatchOnce);
        DispatcherProperties.Breaker breaker = settings.breaker();
        this.breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .failureRateThreshold(breaker.failureRateThreshold())
                .slidingWindowSize(breaker.slidingWindowSize())
                .minimumNumberOfCalls(breaker.minimumNumberOfCalls())
                .waitDurationInOpenState(breaker.waitInOpenState())
                .permittedNumberOfCallsInHalfOpenState(breaker.probes())
                .build());
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
    }

    /** The breaker of an endpoint, by host and port: for tests and operators' questions. */
    CircuitBreaker breaker(URI endpoint) {
        return breakers.circuitBreaker(endpointKey(endpoint));
    }

    private static String endpointKey(URI endpoint) {
        int port = endpoint.getPort() != -1 ? endpoint.getPort() : "https".equalsIgnoreCase(endpoint.getScheme()) ? 443 : 80;
        return endpoint.getHost().toLowerCase(java.util.Locale.ROOT) + ":" + port;
    }

    /** Claims and sends one batch (as far as there is room); returns how many were sent. Tests may call it directly. */
    public int dispatchOnce() {
        int room = Math.min(settings.batchSize(), inFlight.availablePermits());
        if (room == 0) {
            return 0;
        }
        List<ClaimedDelivery> claimed = queue.claim(room, settings.claimLease());
        if (claimed.isEmpty()) {
            return 0;
        }
        Map<EventPosition, StoredEvent> events = store.find(claimed.stream().map(ClaimedDelivery::event).toList()).stream()
                .collect(Collectors.toMap(StoredEvent::position, Function.identity(), (a, b) -> a));
        Map<SubscriptionId, Optional<DeliveryTarget>> targets = new HashMap<>();
        int sent = 0;
        for (ClaimedDelivery delivery : claimed) {
            Optional<DeliveryTarget> target = targets.computeIfAbsent(delivery.subscription(), subscriptions::deliveryTarget);
            StoredEvent event = events.get(delivery.event().position());
            if (target.isEmpty()) {
                continue; // deleted: its deliveries went with it
            }
            if (event == null) {
                queue.deadLetterWithoutAttempt(delivery, "the event is no longer retained");
                metrics.deadLettered();
                continue;
            }
            if (!target.get().active()) {
                queue.postpone(delivery, PAUSED_DELAY);
                continue;
            }
            if (send(delivery, target.get(), event)) {
                sent++;
            }
        }
        return sent;
    }

    private boolean send(ClaimedDelivery delivery, DeliveryTarget target, StoredEvent event) {
        URI endpoint = target.endpoint();
        Optional<String> refusal = guard.refusal(endpoint);
        if (refusal.isPresent()) {
            SendResult refused = new SendResult(SendResult.NO_ANSWER, null, 0, null, "Refused", refusal.get());
            settle(delivery, refused, new DeliveryOutcome.Refused(refusal.get()));
            return false;
        }
        String key = endpointKey(endpoint);
        CircuitBreaker breaker = breakers.circuitBreaker(key);
        if (!breaker.tryAcquirePermission()) {
            // a failing endpoint gets probes, not traffic; its deliveries wait without using up attempts
            queue.postpone(delivery, settings.breaker().waitInOpenState());
            metrics.heldByBreaker();
            return false;
        }
        Semaphore endpointSlots = perEndpoint.computeIfAbsent(key, k -> new Semaphore(settings.maxInFlightPerEndpoint()));
        if (!endpointSlots.tryAcquire()) {
            breaker.releasePermission();
            queue.postpone(delivery, BUSY_ENDPOINT_DELAY);
            metrics.postponed();
            return false;
        }
        inFlight.acquireUninterruptibly();
        byte[] body = event.json().getBytes(StandardCharsets.UTF_8);
        long timestamp = clock.instant().getEpochSecond();
        Map<String, String> headers = Map.of(
                "webhook-id", delivery.webhookId(),
                "webhook-timestamp", Long.toString(timestamp),
                "webhook-signature", signer.signature(delivery.webhookId(), timestamp, body, target.secrets()));
        client.post(endpoint, body, headers).whenComplete((result, failure) -> {
            try {
                SendResult outcome = failure == null ? result
                        : new SendResult(SendResult.NO_ANSWER, null, 0, null, failure.getClass().getSimpleName(), failure.getMessage());
                if (outcome.answered() && outcome.status() >= 200 && outcome.status() <= 299) {
                    breaker.onSuccess(outcome.latencyMillis(), TimeUnit.MILLISECONDS);
                } else {
                    breaker.onError(outcome.latencyMillis(), TimeUnit.MILLISECONDS, new EndpointFailure(outcome));
                }
                settle(delivery, outcome);
            } catch (RuntimeException e) {
                // the claim lease runs out and the delivery is tried again: at least once, never lost
                log.warn("Could not record the attempt of delivery {}: {}", delivery.id(), e.toString());
            } finally {
                endpointSlots.release();
                inFlight.release();
                loop.wakeUp();
            }
        });
        return true;
    }

    /** What the breaker counts as a failed attempt: no stack trace, nothing but the outcome. */
    private static final class EndpointFailure extends RuntimeException {
        EndpointFailure(SendResult result) {
            super(result.answered() ? "HTTP " + result.status() : result.errorClass(), null, false, false);
        }
    }

    private void settle(ClaimedDelivery delivery, SendResult result) {
        settle(delivery, result, Outcomes.of(result, clock.instant()));
    }

    private void settle(ClaimedDelivery delivery, SendResult result, DeliveryOutcome outcome) {
        var decision = policy.decide(delivery.attempt(), outcome);
        if (decision instanceof RetryDecision.RetryAt retry) {
            queue.record(delivery, result, "retry", "pending", retry.delay());
            metrics.attempt("retry", result.latencyMillis());
        } else if (decision instanceof RetryDecision.DeadLetter dead) {
            queue.record(delivery, result, "dead-letter: " + dead.reason(), "dead", null);
            metrics.attempt("dead-letter", result.latencyMillis());
            metrics.deadLettered();
        } else if (decision instanceof RetryDecision.Disable disable) {
            queue.record(delivery, result, "disabled: " + disable.reason(), "dead", null);
            subscriptions.disable(delivery.subscription(), disable.reason());
            metrics.attempt("disabled", result.latencyMillis());
            metrics.deadLettered();
        } else {
            queue.record(delivery, result, "delivered", "delivered", null);
            metrics.attempt("delivered", result.latencyMillis());
        }
    }

    /** New deliveries were written on this instance: look now rather than at the next poll. */
    @EventListener(DeliveriesCreated.class)
    public void wakeUp() {
        loop.wakeUp();
    }

    @Override
    public void start() {
        loop.start();
        log.info("Dispatcher started: up to {} requests in flight, {} per endpoint", settings.maxInFlight(),
                settings.maxInFlightPerEndpoint());
    }

    /** Stops claiming, and waits (within the response timeout) for the requests in flight to be recorded. */
    @Override
    public void stop() {
        loop.stop(settings.pollInterval().plusSeconds(5));
        long waitMillis = settings.responseTimeout().plus(settings.connectTimeout()).toMillis();
        try {
            if (inFlight.tryAcquire(settings.maxInFlight(), waitMillis, TimeUnit.MILLISECONDS)) {
                inFlight.release(settings.maxInFlight());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
        httpThreads.shutdownNow();
        log.info("Dispatcher stopped");
    }

    @Override
    public boolean isRunning() {
        return loop.isRunning();
    }
}
