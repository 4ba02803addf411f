package io.herald.subscriptions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import io.herald.store.StoredEvent;

/**
 * The active subscriptions, indexed so that matching an event looks only at subscriptions that
 * could match it: by resource, then by subject (exact, or none), then by alternative subject
 * (exact, or none); the remaining filters (source prefix, type — exact, or a prefix when it ends
 * with {@code *}) are checked on those few.
 * Matching cost therefore does not grow with subscriptions of other resources or subjects.
 */
public final class SubscriptionIndex {

    /**
     * Subscriptions that share resource, subject and alternative subject, with the filters checked
     * per candidate (type, source prefix) in parallel arrays of shared strings: checking all of them
     * touches two arrays and strings that stay in cache, not one object graph per subscription.
     * Replaced whole on change: changes are rare, matching is not.
     */
    private record Candidates(Subscription[] subscriptions, String[] types, boolean[] typeIsPrefix,
            String[] sourcePrefixes, boolean[] includeSubunits) {

        static final Candidates NONE = new Candidates(new Subscription[0], new String[0], new boolean[0], new String[0],
                new boolean[0]);

        Candidates with(Subscription subscription, String type, boolean prefix, String sourcePrefix, boolean subunits) {
            int n = subscriptions.length;
            Candidates grown = new Candidates(Arrays.copyOf(subscriptions, n + 1), Arrays.copyOf(types, n + 1),
                    Arrays.copyOf(typeIsPrefix, n + 1), Arrays.copyOf(sourcePrefixes, n + 1), Arrays.copyOf(includeSubunits, n + 1));
            grown.subscriptions[n] = subscription;
            grown.types[n] = type;
            grown.typeIsPrefix[n] = prefix;
            grown.sourcePrefixes[n] = sourcePrefix;
            grown.includeSubunits[n] = subunits;
            return grown;
        }

        Candidates without(long id) {
            Candidates left = NONE;
            for (int i = 0; i < subscriptions.length; i++) {
                if (subscriptions[i].id().value() != id) {
                    left = left.with(subscriptions[i], types[i], typeIsPrefix[i], sourcePrefixes[i], includeSubunits[i]);
                }
            }
            return left;
        }

        boolean isEmpty() {
            return subscriptions.length == 0;
        }

        void collect(StoredEvent event, boolean onlySubunits, List<Subscription> matches) {
            for (int i = 0; i < types.length; i++) {
                if (onlySubunits && !includeSubunits[i]) {
                    continue;
                }
                String type = types[i];
                if (type != null && !(typeIsPrefix[i] ? event.type().startsWith(type) : event.type().equals(type))) {
                    continue;
                }
                String sourcePrefix = sourcePrefixes[i];
                if (sourcePrefix != null && !event.key().source().startsWith(sourcePrefix)) {
                    continue;
                }
                matches.add(subscriptions[i]);
            }
        }
    }

    /** Subscriptions of one resource and subject (or of any subject): by alternative subject, or any. */
    private static class Bucket {
        private Map<String, Candidates> byAlternative;
        private Candidates anyAlternative = Candidates.NONE;

        void add(String alternativeSubject, Subscription subscription, String type, boolean prefix, String sourcePrefix,
                boolean subunits) {
            if (alternativeSubject == null) {
                anyAlternative = anyAlternative.with(subscription, type, prefix, sourcePrefix, subunits);
            } else {
                if (byAlternative == null) {
                    byAlternative = new HashMap<>(4);
                }
                byAlternative.put(alternativeSubject, byAlternative.getOrDefault(alternativeSubject, Candidates.NONE)
                        .with(subscription, type, prefix, sourcePrefix, subunits));
            }
        }

        void remove(String alternativeSubject, long id) {
            if (alternativeSubject == null) {
                anyAlternative = anyAlternative.without(id);
            } else {
                Candidates left = byAlternative.get(alternativeSubject).without(id);
                if (left.isEmpty()) {
                    byAlternative.remove(alternativeSubject);
                } else {
                    byAlternative.put(alternativeSubject, left);
                }
            }
        }

        boolean isEmpty() {
            return anyAlternative.isEmpty() && (byAlternative == null || byAlternative.isEmpty());
        }
    }

    /** Subscriptions of one resource: by subject, or any subject. */
    private static final class ResourceBucket extends Bucket {
        private Map<String, Bucket> bySubject;

        Bucket bucketFor(String subject) {
            if (subject == null) {
                return this;
            }
            if (bySubject == null) {
                bySubject = new HashMap<>(4);
            }
            return bySubject.computeIfAbsent(subject, s -> new Bucket());
        }

        @Override
        boolean isEmpty() {
            return super.isEmpty() && (bySubject == null || bySubject.isEmpty());
        }
    }

    private final Map<String, ResourceBucket> byResource = new HashMap<>();
    private final Map<Long, Subscription> byId = new HashMap<>();
    /** One instance per distinct filter string (types, source prefixes): few of them, so they stay in cache. */
    private final Map<String, String> shared = new HashMap<>();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    /** Adds or replaces a subscription; one that is not active (unvalidated, paused) is removed. */
    public void put(Subscription subscription) {
        lock.writeLock().lock();
        try {
            removeLocked(subscription.id().value());
            if (subscription.active()) {
                SubscriptionFilter filter = subscription.filter();
                String type = filter.typeIsPrefix() ? filter.type().substring(0, filter.type().length() - 1) : filter.type();
                byResource.computeIfAbsent(filter.resource(), r -> new ResourceBucket())
                        .bucketFor(filter.subject())
                        .add(filter.alternativeSubject(), subscription, share(type), filter.typeIsPrefix(),
                                share(filter.sourcePrefix()), filter.includeSubunits());
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
            shared.clear();
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
            ResourceBucket resource = byResource.get(event.resource());
            if (resource == null) {
                return List.of();
            }
            List<Subscription> matches = new ArrayList<>(2);
            if (event.subject() != null && resource.bySubject != null) {
                collect(resource.bySubject.get(event.subject()), event, parentsOfAlternativeSubject, matches);
            }
            collect(resource, event, parentsOfAlternativeSubject, matches);
            return matches;
        } finally {
            lock.readLock().unlock();
        }
    }

    private static void collect(Bucket bucket, StoredEvent event, Set<String> parents, List<Subscription> matches) {
        if (bucket == null) {
            return;
        }
        if (event.alternativeSubject() != null && bucket.byAlternative != null) {
            Candidates exact = bucket.byAlternative.get(event.alternativeSubject());
            if (exact != null) {
                exact.collect(event, false, matches);
            }
            for (String parent : parents) {
                Candidates ofParent = bucket.byAlternative.get("/org/" + parent);
                if (ofParent != null) {
                    ofParent.collect(event, true, matches);
                }
            }
        }
        bucket.anyAlternative.collect(event, false, matches);
    }

    private String share(String value) {
        return value == null ? null : shared.computeIfAbsent(value, v -> v);
    }

    private void removeLocked(long id) {
        Subscription old = byId.remove(id);
        if (old == null) {
            return;
        }
        SubscriptionFilter filter = old.filter();
        ResourceBucket resource = byResource.get(filter.resource());
        Bucket bucket = resource.bucketFor(filter.subject());
        bucket.remove(filter.alternativeSubject(), id);
        if (filter.subject() != null && bucket.isEmpty()) {
            resource.bySubject.remove(filter.subject());
        }
        if (resource.isEmpty()) {
            byResource.remove(filter.resource());
        }
    }
}
