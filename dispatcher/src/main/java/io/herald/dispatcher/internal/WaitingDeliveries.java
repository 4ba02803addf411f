package io.herald.dispatcher.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import io.herald.store.StoredEvent;
import io.herald.subscriptions.DeliveryTarget;
import io.herald.subscriptions.SubscriptionId;

/**
 * Claimed deliveries waiting in memory, per endpoint (host and port), for one of that endpoint's
 * request slots: a backlog for a busy endpoint is claimed once and sent as its answers come, rather
 * than put back and claimed again after every answer. Bounded per endpoint and over all endpoints,
 * so what an instance holds stays small; oldest first within an endpoint.
 */
final class WaitingDeliveries {

    /** A claimed delivery with what sending it needs, waiting since {@code since} ({@link System#nanoTime()}). */
    record Waiting(ClaimedDelivery delivery, DeliveryTarget target, StoredEvent event, long since) {
    }

    private final Map<String, Deque<Waiting>> byEndpoint = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private final int perEndpoint;
    private final int overall;

    WaitingDeliveries(int perEndpoint, int overall) {
        this.perEndpoint = perEndpoint;
        this.overall = overall;
    }

    /** Keeps the delivery at the end of its endpoint's line; false (not kept) when that line or all of them are full. */
    boolean add(String endpoint, Waiting waiting) {
        if (total.get() >= overall) {
            return false;
        }
        Deque<Waiting> line = byEndpoint.computeIfAbsent(endpoint, k -> new ArrayDeque<>());
        synchronized (line) {
            if (line.size() >= perEndpoint) {
                return false;
            }
            line.addLast(waiting);
        }
        total.incrementAndGet();
        return true;
    }

    /** The oldest delivery waiting for the endpoint, taken out; null when none waits. */
    Waiting next(String endpoint) {
        Deque<Waiting> line = byEndpoint.get(endpoint);
        if (line == null) {
            return null;
        }
        Waiting next;
        synchronized (line) {
            next = line.pollFirst();
        }
        if (next != null) {
            total.decrementAndGet();
        }
        return next;
    }

    /** Puts a delivery taken with {@link #next} back at the head of its line (it could not be sent after all). */
    void putFirst(String endpoint, Waiting waiting) {
        Deque<Waiting> line = byEndpoint.computeIfAbsent(endpoint, k -> new ArrayDeque<>());
        synchronized (line) {
            line.addFirst(waiting);
        }
        total.incrementAndGet();
    }

    int waitingFor(String endpoint) {
        Deque<Waiting> line = byEndpoint.get(endpoint);
        if (line == null) {
            return 0;
        }
        synchronized (line) {
            return line.size();
        }
    }

    int size() {
        return total.get();
    }

    /** The endpoints that have deliveries waiting. */
    Set<String> endpoints() {
        Set<String> endpoints = new HashSet<>();
        byEndpoint.forEach((endpoint, line) -> {
            synchronized (line) {
                if (!line.isEmpty()) {
                    endpoints.add(endpoint);
                }
            }
        });
        return endpoints;
    }

    /** The subscriptions that have deliveries waiting. */
    Set<SubscriptionId> subscriptions() {
        Set<SubscriptionId> subscriptions = new HashSet<>();
        byEndpoint.values().forEach(line -> {
            synchronized (line) {
                line.forEach(waiting -> subscriptions.add(waiting.delivery().subscription()));
            }
        });
        return subscriptions;
    }

    /**
     * Replaces every waiting delivery by what {@code update} makes of it; those it maps to null are
     * taken out and returned (for a subscription deleted or paused since it was claimed, say).
     */
    List<Waiting> update(Function<Waiting, Waiting> update) {
        List<Waiting> removed = new ArrayList<>();
        byEndpoint.values().forEach(line -> {
            synchronized (line) {
                int size = line.size();
                for (int i = 0; i < size; i++) {
                    Waiting waiting = line.pollFirst();
                    Waiting updated = update.apply(waiting);
                    if (updated == null) {
                        removed.add(waiting);
                    } else {
                        line.addLast(updated);
                    }
                }
            }
        });
        total.addAndGet(-removed.size());
        return removed;
    }

    /** Takes every waiting delivery out (on stop: they go back to the queue). */
    List<Waiting> takeAll() {
        return update(waiting -> null);
    }
}
