package io.herald.subscriptions.internal;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import io.herald.subscriptions.OutboundGuard;
import io.herald.subscriptions.OutboundHttp;
import io.herald.subscriptions.SubscriptionCreated;
import io.herald.subscriptions.SubscriptionsProperties;

/**
 * Validates new subscriptions (DESIGN "Subscriptions"): POSTs a
 * {@code platform.events.validatesubscription} CloudEvent to the endpoint and marks the
 * subscription validated on a 2xx, or when the endpoint consents in the CloudEvents web hook
 * handshake ({@code OPTIONS}) instead; retries on {@code herald.subscriptions.validation.retry-delays}
 * and gives up after the last, leaving it pending-validation.
 *
 * <p>A new subscription is attempted at once, off the request thread; a sweep every
 * {@code sweep-interval} picks up retries and any handshake another instance lost. Work is
 * claimed in the database, so several instances never send the same attempt.
 */
@Component
public class ValidationHandshake implements SmartLifecycle {

    public static final String EVENT_TYPE = "platform.events.validatesubscription";

    /**
     * Handshakes in flight per instance. A sweep claims no more than there are free slots, so every
     * claimed attempt starts at once and ends (connect plus response timeout) within its lease.
     */
    static final int CONCURRENCY = 8;
    static final int SWEEP_BATCH = 20;

    private static final Logger log = LoggerFactory.getLogger(ValidationHandshake.class);

    private final HandshakeStore store;
    private final Clock clock;
    private final SecretCipher cipher;
    private final OutboundGuard guard;
    private final ValidationRetrySchedule retries;
    private final Duration timeout;
    private final SubscriptionsProperties.Validation validation;
    private final Duration sweepInterval;
    private final Duration lease;
    private final Counter validated;
    private final Counter failed;
    private final Counter gaveUp;
    private final Semaphore slots = new Semaphore(CONCURRENCY);

    private final Object lifecycle = new Object();
    private volatile ThreadPoolExecutor workers;
    private volatile HandshakeSender sender;
    private OutboundHttp http;
    private ScheduledExecutorService sweeper;

    @Autowired
    public ValidationHandshake(DataSource dataSource, Clock clock, SubscriptionsProperties properties, SecretCipher cipher,
            MeterRegistry meterRegistry) {
        this(dataSource, clock, properties, cipher, meterRegistry, properties.outbound().guard());
    }

    /** With a guard of the caller's: tests give it a resolver that answers as a rebinding DNS server would. */
    ValidationHandshake(DataSource dataSource, Clock clock, SubscriptionsProperties properties, SecretCipher cipher,
            MeterRegistry meterRegistry, OutboundGuard guard) {
        SubscriptionsProperties.Validation validation = properties.validation();
        requirePositive("timeout", validation.timeout());
        requirePositive("sweep-interval", validation.sweepInterval());
        this.store = new HandshakeStore(dataSource);
        this.clock = clock;
        this.cipher = cipher;
        this.guard = guard;
        this.retries = new ValidationRetrySchedule(validation.retryDelays());
        this.timeout = validation.timeout();
        this.validation = validation;
        this.sweepInterval = validation.sweepInterval();
        // an attempt is up to two requests (the validation event, then the web hook OPTIONS), each within twice the timeout
        this.lease = validation.timeout().multipliedBy(4);
        this.validated = outcomeCounter(meterRegistry, "validated");
        this.failed = outcomeCounter(meterRegistry, "failed");
        this.gaveUp = outcomeCounter(meterRegistry, "gave-up");
    }

    /** Attempts the new subscription's handshake now; when busy or stopped the next sweep does. */
    @EventListener
    public void onCreated(SubscriptionCreated created) {
        ThreadPoolExecutor pool = workers;
        if (pool != null && slots.tryAcquire()) {
            submit(pool, () -> {
                Optional<PendingHandshake> pending = store.claimFirst(created.id(), lease);
                if (pending.isPresent()) {
                    attempt(pending.get());
                }
            });
        }
    }

    void sweep() {
        ThreadPoolExecutor pool = workers;
        if (pool == null) {
            return;
        }
        int reserved = 0;
        while (reserved < SWEEP_BATCH && slots.tryAcquire()) {
            reserved++;
        }
        if (reserved == 0) {
            return;
        }
        List<PendingHandshake> claimed = List.of();
        try {
            claimed = store.claimDue(reserved, lease);
        } catch (SQLException | RuntimeException e) {
            log.warn("Could not look for due subscription validations; trying again in {}", sweepInterval, e);
        } finally {
            slots.release(reserved - claimed.size());
        }
        for (PendingHandshake pending : claimed) {
            submit(pool, () -> attempt(pending));
        }
    }

    private void attempt(PendingHandshake pending) throws SQLException {
        HandshakeOutcome outcome;
        try {
            outcome = sender.send(pending);
        } catch (InterruptedException e) {
            // Stopping: the claim's lease runs out and the attempt is made again.
            Thread.currentThread().interrupt();
            return;
        }
        if (outcome instanceof HandshakeOutcome.Accepted accepted) {
            if (store.recordValidated(pending.id(), accepted.allowedRate())) {
                validated.increment();
                log.info("Subscription {} validated: its endpoint answered HTTP {} to {} on attempt {}{}",
                        pending.id(), accepted.status(), accepted.how(), pending.attempt(),
                        accepted.allowedRate() == null ? "" : " and allowed " + accepted.allowedRate() + " requests a minute");
            }
        } else if (outcome instanceof HandshakeOutcome.Failed failure) {
            Optional<Duration> retryAfter = retries.delayAfter(pending.attempt());
            if (!store.recordFailed(pending.id(), failure.reason(), retryAfter)) {
                return;
            }
            if (retryAfter.isPresent()) {
                failed.increment();
                log.debug("Validation attempt {} of subscription {} failed ({}); next in {}",
                        pending.attempt(), pending.id(), failure.reason(), retryAfter.get());
            } else {
                gaveUp.increment();
                log.warn("Gave up validating subscription {} after {} attempts; the last failed: {}",
                        pending.id(), pending.attempt(), failure.reason());
            }
        }
    }

    /** Runs {@code task} on a worker; the caller holds one slot, which the task gives back. */
    private void submit(ThreadPoolExecutor pool, Attempt task) {
        try {
            pool.execute(() -> {
                try {
                    task.run();
                } catch (SQLException | RuntimeException e) {
                    log.warn("A subscription validation failed to complete; it is attempted again after {}", lease, e);
                } finally {
                    slots.release();
                }
            });
        } catch (RejectedExecutionException e) {
            slots.release(); // stopped meanwhile: the claim's lease runs out and the attempt is made again
        }
    }

    @Override
    public void start() {
        synchronized (lifecycle) {
            if (workers != null) {
                return;
            }
            ThreadPoolExecutor pool = new ThreadPoolExecutor(CONCURRENCY, CONCURRENCY, 30, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), daemonThreads("herald-handshake-"));
            pool.allowCoreThreadTimeOut(true);
            // a client per run: a stopped one cannot be started again
            http = new OutboundHttp(guard, new OutboundHttp.Settings("herald-handshake", timeout, timeout, CONCURRENCY, CONCURRENCY));
            sender = new HandshakeSender(clock, http, cipher, validation);
            sweeper = Executors.newSingleThreadScheduledExecutor(daemonThreads("herald-handshake-sweep-"));
            long interval = sweepInterval.toMillis();
            sweeper.scheduleWithFixedDelay(this::sweep, interval, interval, TimeUnit.MILLISECONDS);
            workers = pool;
        }
    }

    /** Stops sweeping and lets attempts in flight finish, for at most one request timeout. */
    @Override
    public void stop() {
        synchronized (lifecycle) {
            ThreadPoolExecutor pool = workers;
            if (pool == null) {
                return;
            }
            workers = null;
            sweeper.shutdownNow();
            pool.shutdown();
            try {
                if (!pool.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    slots.release(pool.shutdownNow().size());
                }
            } catch (InterruptedException e) {
                slots.release(pool.shutdownNow().size());
                Thread.currentThread().interrupt();
            } finally {
                http.close();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return workers != null;
    }

    @FunctionalInterface
    private interface Attempt {
        void run() throws SQLException;
    }

    private static Counter outcomeCounter(MeterRegistry registry, String outcome) {
        return Counter.builder("herald.subscriptions.validation")
                .description("Subscription validation handshakes by outcome")
                .tag("outcome", outcome)
                .register(registry);
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("herald.subscriptions.validation." + name + " must be positive but was " + value);
        }
    }
}
