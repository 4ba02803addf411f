package io.herald.dispatcher.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.herald.subscriptions.DeliveryTarget;

/**
 * Subscriptions whose deliveries cannot be signed (a stored secret that cannot be decrypted, say
 * after {@code herald.subscriptions.secret-key} was changed without re-sealing): their deliveries
 * wait, with the reason as their last error, while every other subscription's go out. Each such
 * subscription is logged once when found and once when it can be signed again — not every round.
 */
final class UnsignableSubscriptions {

    private static final Logger log = LoggerFactory.getLogger(UnsignableSubscriptions.class);
    private static final String WAITING = "waiting: this subscription's signing secret or Web Push keys cannot be decrypted";

    private final Duration delay;
    private final Set<Long> reported = ConcurrentHashMap.newKeySet();
    private final List<ClaimedDelivery> held = new ArrayList<>();

    UnsignableSubscriptions(Duration delay) {
        this.delay = delay;
    }

    /** True when the target cannot be signed for, and its deliveries must wait; logs a change either way once. */
    boolean holdBack(DeliveryTarget target) {
        long id = target.id().value();
        if (target.unusable() == null) {
            if (reported.remove(id)) {
                log.info("Subscription {} can be signed for again: its deliveries go out", id);
            }
            return false;
        }
        if (reported.add(id)) {
            log.error("Subscription {}: its deliveries wait, since {}. Other subscriptions are not affected; restore the key "
                    + "it was sealed under, or rotate the subscription's secret (a webhook's)", id, target.unusable());
        }
        return true;
    }

    /** Called by the dispatching thread only. */
    void add(ClaimedDelivery delivery) {
        held.add(delivery);
    }

    /** Puts this round's held deliveries back, due again after the delay. Called by the dispatching thread only. */
    void putBack(DeliveryQueue queue) {
        if (held.isEmpty()) {
            return;
        }
        try {
            queue.holdBack(held, delay, WAITING);
        } finally {
            held.clear();
        }
    }

    /** How many subscriptions wait for their secret now. */
    int count() {
        return reported.size();
    }
}
