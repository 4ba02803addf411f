package io.herald.subscriptions.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import io.herald.store.StoredEvent;
import io.herald.subscriptions.Subscription;
import io.herald.subscriptions.SubscriptionFilter;

/**
 * The active subscriptions, indexed so that matching an event looks only at subscriptions that
 * could match it: by resource, then by subject (exact, or none), then by alternative subject
 * (exact, or none); the remaining filters (source prefix, type) are checked on those few.
 * Matching cost therefore does not grow with subscriptions of other resources or subjects.
 */
public final class SubscriptionIndex {

    /** Stands for "no filter" at an index level. */
    private static final String ANY = "\u0000any";

    private final Map<String, Map<String, Map<String, List<Subscription>>>> byResource = new HashMap<>();
    private final Map<Long, Subscription> byId = new HashMap<>();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    /** Adds or replaces a subscription; one that is not active (unvalidated, paused) is removed. */
    public void put(Subscription subscription) {
        lock.writeLock().lock();
        try {
            removeLocked(subscription.id().value());
            if (subscription.active()) {
                SubscriptionFilter filter = subscription.filter();
                byResource.computeIfAbsent(filter.resource(), r -> new HashMap<>())
                        .computeIfAbsent(key(filter.subject()), s -> new HashMap<>())
                        .computeIfAbsent(key(filter.alternativeSubject()), a -> new ArrayList<>(2))
                        .add(subscription);
                byId.put(subscription.id().value(), subscription);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    public void remove(long id) {
        lock.writeLock().lock();
        try {
            removeLocked(id);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Replaces the whole index. */
    public void replaceAll(Collection<Subscription> subscriptions) {
        lock.writeLock().lock();
        try {
            byResource.clear();
            byId.clear();
            subscriptions.forEach(this::put);
        } finally {
            lock.writeLock().unlock();
        }
    }

    public int size() {
        lock.readLock().lock();
        try {
            return byId.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * The active subscriptions this event matches.
     *
     * @param parentsOfAlternativeSubject the organisation numbers the event's {@code /org/…}
     *                                    alternative subject belongs to (for {@code includeSubunits})
     */
    public List<Subscription> match(StoredEvent event, Set<String> parentsOfAlternativeSubject) {
        lock.readLock().lock();
        try {
            var bySubject = byResource.get(event.resource());
            if (bySubject == null) {
                return List.of();
            }
            List<Subscription> matches = new ArrayList<>(2);
            if (event.subject() != null) {
                collect(bySubject.get(event.subject()), event, parentsOfAlternativeSubject, matches);
            }
            collect(bySubject.get(ANY), event, parentsOfAlternativeSubject, matches);
            return matches;
        } finally {
            lock.readLock().unlock();
        }
    }

    private static void collect(Map<String, List<Subscription>> byAlternative, StoredEvent event,
            Set<String> parents, List<Subscription> matches) {
        if (byAlternative == null) {
            return;
        }
        if (event.alternativeSubject() != null) {
            addMatching(byAlternative.get(event.alternativeSubject()), event, matches);
            for (String parent : parents) {
                List<Subscription> ofParent = byAlternative.get("/org/" + parent);
                if (ofParent != null) {
                    ofParent.stream().filter(s -> s.filter().includeSubunits())
                            .filter(s -> restMatches(s.filter(), event))
                            .forEach(matches::add);
                }
            }
        }
        addMatching(byAlternative.get(ANY), event, matches);
    }

    private static void addMatching(List<Subscription> candidates, StoredEvent event, List<Subscription> matches) {
        if (candidates != null) {
            for (Subscription candidate : candidates) {
                if (restMatches(candidate.filter(), event)) {
                    matches.add(candidate);
                }
            }
        }
    }

    /** The filters the index does not key on: source prefix and type (exact, or prefix with a trailing *). */
    static boolean restMatches(SubscriptionFilter filter, StoredEvent event) {
        if (filter.sourcePrefix() != null && !event.key().source().startsWith(filter.sourcePrefix())) {
            return false;
        }
        if (filter.type() == null) {
            return true;
        }
        if (filter.typeIsPrefix()) {
            return event.type().startsWith(filter.type().substring(0, filter.type().length() - 1));
        }
        return event.type().equals(filter.type());
    }

    private void removeLocked(long id) {
        Subscription old = byId.remove(id);
        if (old == null) {
            return;
        }
        SubscriptionFilter filter = old.filter();
        var bySubject = byResource.get(filter.resource());
        var byAlternative = bySubject.get(key(filter.subject()));
        List<Subscription> list = byAlternative.get(key(filter.alternativeSubject()));
        list.removeIf(s -> s.id().value() == id);
        if (list.isEmpty()) {
            byAlternative.remove(key(filter.alternativeSubject()));
            if (byAlternative.isEmpty()) {
                bySubject.remove(key(filter.subject()));
                if (bySubject.isEmpty()) {
                    byResource.remove(filter.resource());
                }
            }
        }
    }

    private static String key(String filterValue) {
        return filterValue == null ? ANY : filterValue;
    }
}
