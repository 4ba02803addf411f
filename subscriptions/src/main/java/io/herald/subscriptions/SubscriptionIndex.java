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
import io.herald.subscriptions.access.OrganisationSubjects;

/**
 * The active subscriptions, indexed so that matching an event looks only at subscriptions that
 * could match it: by resource, by resource and subject (exact, or none), then by alternative
 * subject (exact, or none); the remaining filters (source prefix, type — exact, or a prefix when
 * it ends with {@code *}) are checked on those few. Matching cost therefore does not grow with
 * subscriptions of other resources or subjects.
 *
 * <p>Laid out for few dependent memory loads per event, since at a million subscriptions nearly
 * every load is a cache miss: resources, and (resource, subject) pairs, are found in open-addressed
 * tables of 64-bit fingerprints, so the common case — no subscription follows the event's subject —
 * costs one probe of a {@code long[]}; the candidates of a bucket sit in one array. A fingerprint
 * that matches is always confirmed against the stored strings: a collision costs a comparison,
 * never a wrong match.
 */
public final class SubscriptionIndex {

    /** A type filter ending with {@code *}: the rest must start the event's type. */
    private record TypePrefix(String prefix) {
    }

    /**
     * Subscriptions that share resource, subject and alternative subject, as one array of
     * triples: the subscription, its type filter ({@code null}, an exact {@code String} or a
     * {@link TypePrefix}) and its source prefix (or {@code null}) — shared strings, so checking all
     * of them touches one array and strings that stay in cache. Replaced whole on change: changes
     * are rare, matching is not.
     */
    private static final class Candidates {

        static final Object[] NONE = new Object[0];
        private static final int STRIDE = 3;

        private Candidates() {
        }

        static Object[] with(Object[] candidates, Subscription subscription, Object type, String sourcePrefix) {
            Object[] grown = Arrays.copyOf(candidates, candidates.length + STRIDE);
            grown[candidates.length] = subscription;
            grown[candidates.length + 1] = type;
            grown[candidates.length + 2] = sourcePrefix;
            return grown;
        }

        static Object[] without(Object[] candidates, long id) {
            Object[] left = new Object[candidates.length];
            int kept = 0;
            for (int i = 0; i < candidates.length; i += STRIDE) {
                if (((Subscription) candidates[i]).id().value() != id) {
                    System.arraycopy(candidates, i, left, kept, STRIDE);
                    kept += STRIDE;
                }
            }
            return kept == 0 ? NONE : Arrays.copyOf(left, kept);
        }

        static void collect(Object[] candidates, StoredEvent event, boolean onlySubunits, List<Subscription> matches) {
            for (int i = 0; i < candidates.length; i += STRIDE) {
                Subscription subscription = (Subscription) candidates[i];
                if (onlySubunits && !subscription.filter().includeSubunits()) {
                    continue;
                }
                Object type = candidates[i + 1];
                if (type != null && !(type instanceof String exact ? event.type().equals(exact)
                        : event.type().startsWith(((TypePrefix) type).prefix()))) {
                    continue;
                }
                String sourcePrefix = (String) candidates[i + 2];
                if (sourcePrefix != null && !event.key().source().startsWith(sourcePrefix)) {
                    continue;
                }
                matches.add(subscription);
            }
        }
    }

    /** Subscriptions of one resource and subject (or of any subject): by alternative subject, or any. */
    private abstract static class Bucket {
        private Map<String, Object[]> byAlternative;
        private Object[] anyAlternative = Candidates.NONE;

        void add(String alternativeSubject, Subscription subscription, Object type, String sourcePrefix) {
            alternativeSubject = OrganisationSubjects.canonical(alternativeSubject);
            if (alternativeSubject == null) {
                anyAlternative = Candidates.with(anyAlternative, subscription, type, sourcePrefix);
            } else {
                if (byAlternative == null) {
                    byAlternative = new HashMap<>(4);
                }
                byAlternative.put(alternativeSubject, Candidates.with(
                        byAlternative.getOrDefault(alternativeSubject, Candidates.NONE), subscription, type, sourcePrefix));
            }
        }

        void remove(String alternativeSubject, long id) {
            alternativeSubject = OrganisationSubjects.canonical(alternativeSubject);
            if (alternativeSubject == null) {
                anyAlternative = Candidates.without(anyAlternative, id);
            } else {
                Object[] left = Candidates.without(byAlternative.get(alternativeSubject), id);
                if (left.length == 0) {
                    byAlternative.remove(alternativeSubject);
                } else {
                    byAlternative.put(alternativeSubject, left);
                }
            }
        }

        boolean isEmpty() {
            return anyAlternative.length == 0 && (byAlternative == null || byAlternative.isEmpty());
        }

        /** True when this is the bucket of this resource and subject ({@code null}: of the resource itself). */
        abstract boolean is(String resource, String subject);

        void collect(StoredEvent event, Set<String> parents, List<Subscription> matches) {
            if (event.alternativeSubject() != null && byAlternative != null) {
                Object[] exact = byAlternative.get(OrganisationSubjects.canonical(event.alternativeSubject()));
                if (exact != null) {
                    Candidates.collect(exact, event, false, matches);
                }
                for (String parent : parents) {
                    Object[] ofParent = byAlternative.get("/org/" + parent);
                    if (ofParent != null) {
                        Candidates.collect(ofParent, event, true, matches);
                    }
                }
            }
            Candidates.collect(anyAlternative, event, false, matches);
        }
    }

    /** Subscriptions of one resource with no subject filter; {@code subjects} counts its subject buckets. */
    private static final class ResourceBucket extends Bucket {
        final String resource;
        int subjects;

        ResourceBucket(String resource) {
            this.resource = resource;
        }

        @Override
        boolean is(String resource, String subject) {
            return this.resource.equals(resource);
        }

        @Override
        boolean isEmpty() {
            return super.isEmpty() && subjects == 0;
        }
    }

    /** Subscriptions of one resource that follow one subject. */
    private static final class SubjectBucket extends Bucket {
        final String resource;
        final String subject;

        SubjectBucket(String resource, String subject) {
            this.resource = resource;
            this.subject = subject;
        }

        @Override
        boolean is(String resource, String subject) {
            return this.subject.equals(subject) && this.resource.equals(resource);
        }
    }

    /**
     * An open-addressed table (linear probing, at most half full) of buckets by a 64-bit
     * fingerprint of their key; {@code 0} marks an empty slot. Removal shifts later entries back,
     * so there are no tombstones and a miss stops at the first empty slot.
     */
    private static final class FingerprintTable<B extends Bucket> {
        private long[] fingerprints = new long[16];
        private Object[] buckets = new Object[16];
        private int size;

        /** The bucket of this resource and subject, or null. */
        @SuppressWarnings("unchecked")
        B get(long fingerprint, String resource, String subject) {
            int mask = fingerprints.length - 1;
            for (int slot = (int) fingerprint & mask; fingerprints[slot] != 0; slot = (slot + 1) & mask) {
                if (fingerprints[slot] == fingerprint && ((B) buckets[slot]).is(resource, subject)) {
                    return (B) buckets[slot];
                }
            }
            return null;
        }

        void put(long fingerprint, B bucket) {
            if ((size + 1) * 2 > fingerprints.length) {
                grow();
            }
            insert(fingerprint, bucket);
            size++;
        }

        void remove(long fingerprint, B bucket) {
            int mask = fingerprints.length - 1;
            int slot = (int) fingerprint & mask;
            while (buckets[slot] != bucket) {
                slot = (slot + 1) & mask;
            }
            // backward shift: move up every later entry of the run that the hole would cut off
            int hole = slot;
            for (int next = (hole + 1) & mask; fingerprints[next] != 0; next = (next + 1) & mask) {
                int home = (int) fingerprints[next] & mask;
                boolean reachableWithoutHole = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next);
                if (!reachableWithoutHole) {
                    fingerprints[hole] = fingerprints[next];
                    buckets[hole] = buckets[next];
                    hole = next;
                }
            }
            fingerprints[hole] = 0;
            buckets[hole] = null;
            size--;
        }

        void clear() {
            fingerprints = new long[16];
            buckets = new Object[16];
            size = 0;
        }

        private void insert(long fingerprint, Object bucket) {
            int mask = fingerprints.length - 1;
            int slot = (int) fingerprint & mask;
            while (fingerprints[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            fingerprints[slot] = fingerprint;
            buckets[slot] = bucket;
        }

        private void grow() {
            long[] oldFingerprints = fingerprints;
            Object[] oldBuckets = buckets;
            fingerprints = new long[oldFingerprints.length * 2];
            buckets = new Object[oldBuckets.length * 2];
            for (int i = 0; i < oldFingerprints.length; i++) {
                if (oldFingerprints[i] != 0) {
                    insert(oldFingerprints[i], oldBuckets[i]);
                }
            }
        }
    }

    private final FingerprintTable<ResourceBucket> byResource = new FingerprintTable<>();
    private final FingerprintTable<SubjectBucket> bySubject = new FingerprintTable<>();
    private final Map<Long, Subscription> byId = new HashMap<>();
    /** One instance per distinct filter string (types, source prefixes): few of them, so they stay in cache. */
    private final Map<Object, Object> shared = new HashMap<>();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    /** Adds or replaces a subscription; one that is not active (unvalidated, paused) is removed. */
    public void put(Subscription subscription) {
        lock.writeLock().lock();
        try {
            removeLocked(subscription.id().value());
            if (subscription.active()) {
                SubscriptionFilter filter = subscription.filter();
                Object type = filter.type() == null ? null : filter.typeIsPrefix()
                        ? share(new TypePrefix(filter.type().substring(0, filter.type().length() - 1))) : share(filter.type());
                bucketFor(filter.resource(), filter.subject())
                        .add(filter.alternativeSubject(), subscription, type, (String) share(filter.sourcePrefix()));
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
            bySubject.clear();
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
            String resource = event.resource();
            ResourceBucket ofResource = byResource.get(fingerprint(resource), resource, null);
            if (ofResource == null) {
                return List.of();
            }
            List<Subscription> matches = new ArrayList<>(2);
            String subject = event.subject();
            if (subject != null && ofResource.subjects > 0) {
                SubjectBucket ofSubject = bySubject.get(fingerprint(resource, subject), resource, subject);
                if (ofSubject != null) {
                    ofSubject.collect(event, parentsOfAlternativeSubject, matches);
                }
            }
            ofResource.collect(event, parentsOfAlternativeSubject, matches);
            return matches;
        } finally {
            lock.readLock().unlock();
        }
    }

    private Bucket bucketFor(String resource, String subject) {
        ResourceBucket ofResource = byResource.get(fingerprint(resource), resource, null);
        if (ofResource == null) {
            ofResource = new ResourceBucket(resource);
            byResource.put(fingerprint(resource), ofResource);
        }
        if (subject == null) {
            return ofResource;
        }
        SubjectBucket ofSubject = bySubject.get(fingerprint(resource, subject), resource, subject);
        if (ofSubject == null) {
            ofSubject = new SubjectBucket(ofResource.resource, subject);
            bySubject.put(fingerprint(resource, subject), ofSubject);
            ofResource.subjects++;
        }
        return ofSubject;
    }

    private void removeLocked(long id) {
        Subscription old = byId.remove(id);
        if (old == null) {
            return;
        }
        SubscriptionFilter filter = old.filter();
        String resource = filter.resource();
        String subject = filter.subject();
        ResourceBucket ofResource = byResource.get(fingerprint(resource), resource, null);
        if (subject == null) {
            ofResource.remove(filter.alternativeSubject(), id);
        } else {
            SubjectBucket ofSubject = bySubject.get(fingerprint(resource, subject), resource, subject);
            ofSubject.remove(filter.alternativeSubject(), id);
            if (ofSubject.isEmpty()) {
                bySubject.remove(fingerprint(resource, subject), ofSubject);
                ofResource.subjects--;
            }
        }
        if (ofResource.isEmpty()) {
            byResource.remove(fingerprint(resource), ofResource);
        }
    }

    private Object share(Object value) {
        return value == null ? null : shared.computeIfAbsent(value, v -> v);
    }

    private static long fingerprint(String resource) {
        return nonZero(mix(resource.hashCode()));
    }

    private static long fingerprint(String resource, String subject) {
        return nonZero(mix(((long) resource.hashCode() << 32) ^ (subject.hashCode() & 0xFFFF_FFFFL) ^ 0x9E37_79B9_7F4A_7C15L));
    }

    /** A 64-bit finaliser (SplitMix64): spreads the strings' hash codes over the table's slots. */
    private static long mix(long value) {
        long z = value + 0x9E37_79B9_7F4A_7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }

    private static long nonZero(long fingerprint) {
        return fingerprint == 0 ? 1 : fingerprint;
    }
}
