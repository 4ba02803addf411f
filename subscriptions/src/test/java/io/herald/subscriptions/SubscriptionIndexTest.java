package io.herald.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.herald.store.EventKey;
import io.herald.store.EventPosition;
import io.herald.store.StoredEvent;

class SubscriptionIndexTest {

    private static final String RESOURCE = "urn:altinn:resource:app_ttd_app";
    private final SubscriptionIndex index = new SubscriptionIndex();
    private long ids;

    private Subscription add(SubscriptionFilter filter) {
        var subscription = new Subscription(new SubscriptionId(++ids), "/org/ttd", "test", URI.create("https://h.example"),
                filter, false, Instant.EPOCH, Instant.EPOCH, 1L, ids, Subscription.Handshake.NONE, false, null);
        index.put(subscription);
        return subscription;
    }

    private static SubscriptionFilter filter(String subject, String alternative, String type, String source, boolean subunits) {
        return new SubscriptionFilter(RESOURCE, source, subject, alternative, type, subunits);
    }

    private static StoredEvent event(String resource, String source, String type, String subject, String alternative) {
        return new StoredEvent(new EventPosition(1, 1), Instant.EPOCH, new EventKey(source, "id"), type, resource,
                subject, alternative, null, Instant.EPOCH, "{}");
    }

    private List<Long> matches(StoredEvent event, Set<String> parents) {
        return index.match(event, parents).stream().map(s -> s.id().value()).sorted().toList();
    }

    @Test
    void shouldMatchEachFilterAsDesignSays() {
        long any = add(filter(null, null, null, null, false)).id().value();
        long bySubject = add(filter("/party/1", null, null, null, false)).id().value();
        long byAlternative = add(filter(null, "/person/01017012345", null, null, false)).id().value();
        long byType = add(filter(null, null, "app.instance.created", null, false)).id().value();
        long byTypePrefix = add(filter(null, null, "app.instance.process.*", null, false)).id().value();
        long bySource = add(filter(null, null, null, "https://ttd.apps.example/ttd/app/", false)).id().value();
        long combined = add(filter("/party/1", "/person/01017012345", "app.instance.*", "https://ttd.apps.example/", false)).id().value();

        assertThat(matches(event(RESOURCE, "https://ttd.apps.example/ttd/app/instances/1/x", "app.instance.created",
                "/party/1", "/person/01017012345"), Set.of()))
                .containsExactly(any, bySubject, byAlternative, byType, bySource, combined);
        assertThat(matches(event(RESOURCE, "https://other.example/x", "app.instance.process.movedTo.Task_2", "/party/2", null), Set.of()))
                .containsExactly(any, byTypePrefix);
        assertThat(matches(event("urn:altinn:resource:other", "https://ttd.apps.example/ttd/app/", "app.instance.created",
                "/party/1", null), Set.of())).as("resource must be equal").isEmpty();
    }

    @Test
    void shouldMatchSubunitsOnlyWhereAsked() {
        long withSubunits = add(filter(null, "/org/910000001", null, null, true)).id().value();
        long withoutSubunits = add(filter(null, "/org/910000001", null, null, false)).id().value();

        StoredEvent aboutSubunit = event(RESOURCE, "https://s.example", "t", null, "/org/910000002");
        StoredEvent aboutParent = event(RESOURCE, "https://s.example", "t", null, "/org/910000001");

        assertThat(matches(aboutSubunit, Set.of("910000001"))).containsExactly(withSubunits);
        assertThat(matches(aboutSubunit, Set.of())).isEmpty();
        assertThat(matches(aboutParent, Set.of())).containsExactly(withSubunits, withoutSubunits);
    }

    /** The platform's Correspondence events and organisation subscribers write /organisation/{number}, app events /org/{number}. */
    @Test
    void shouldMatchAnOrganisationWrittenEitherWay() {
        long asOrganisation = add(filter(null, "/organisation/910000001", null, null, false)).id().value();
        long asOrg = add(filter(null, "/org/910000001", null, null, false)).id().value();
        long subunitsAsOrganisation = add(filter(null, "/organisation/910000009", null, null, true)).id().value();

        assertThat(matches(event(RESOURCE, "https://s.example", "t", null, "/org/910000001"), Set.of()))
                .containsExactly(asOrganisation, asOrg);
        assertThat(matches(event(RESOURCE, "https://s.example", "t", null, "/organisation/910000001"), Set.of()))
                .containsExactly(asOrganisation, asOrg);
        assertThat(matches(event(RESOURCE, "https://s.example", "t", null, "/organisation/910000002"), Set.of("910000009")))
                .containsExactly(subunitsAsOrganisation);
        assertThat(matches(event(RESOURCE, "https://s.example", "t", null, "/organisation/910000003"), Set.of())).isEmpty();
    }

    @Test
    void shouldForgetRemovedPausedAndUnvalidatedSubscriptions() {
        Subscription kept = add(filter(null, null, null, null, false));
        Subscription removed = add(filter(null, null, null, null, false));
        Subscription paused = add(filter("/party/1", null, null, null, false));
        index.remove(removed.id().value());
        index.put(new Subscription(paused.id(), "/org/ttd", "test", paused.endpoint(), paused.filter(), true,
                Instant.EPOCH, Instant.EPOCH, 1L, 9, Subscription.Handshake.NONE, false, null));
        index.put(new Subscription(new SubscriptionId(99), "/org/ttd", "test", paused.endpoint(), paused.filter(), false,
                Instant.EPOCH, null, null, 10, Subscription.Handshake.NONE, false, null));

        assertThat(matches(event(RESOURCE, "s", "t", "/party/1", null), Set.of())).containsExactly(kept.id().value());
        assertThat(index.size()).isEqualTo(1);
    }

    /**
     * The index against the filters read literally (DESIGN "Matching"), over thousands of random
     * subscriptions, replacements and removals on few resources and subjects (so that buckets fill,
     * empty and tables grow and shift), and random events.
     */
    @Test
    void shouldMatchExactlyWhatTheFiltersSayThroughAddsReplacementsAndRemovals() {
        var random = new java.util.SplittableRandom(5);
        String[] resources = {RESOURCE, "urn:altinn:resource:b", "urn:altinn:resource:c", "Aa", "BB"}; // "Aa", "BB": same hashCode
        String[] subjects = new String[150];
        for (int i = 1; i < subjects.length; i++) {
            subjects[i] = i % 50 == 0 ? (i % 100 == 0 ? "Ab" : "BC") : "/party/" + i; // "Ab", "BC": same hashCode; [0] is null
        }
        String[] alternatives = {null, "/person/1", "/org/910000001", "/org/910000002"};
        String[] types = {null, "a.created", "a.*", "b.deleted"};
        String[] sources = {null, "https://x.example/", "https://y.example/app"};
        java.util.Map<Long, Subscription> live = new java.util.HashMap<>();
        for (int step = 0; step < 20_000; step++) {
            long id = 1 + random.nextInt(2_000);
            if (random.nextInt(4) == 0) {
                index.remove(id);
                live.remove(id);
                continue;
            }
            var filter = new SubscriptionFilter(pick(random, resources), pick(random, sources), pick(random, subjects),
                    pick(random, alternatives), pick(random, types), random.nextBoolean());
            boolean paused = random.nextInt(10) == 0;
            var subscription = new Subscription(new SubscriptionId(id), "/org/ttd", "test", URI.create("https://h.example"),
                    filter, paused, Instant.EPOCH, Instant.EPOCH, 1L, step, Subscription.Handshake.NONE, false, null);
            index.put(subscription);
            if (paused) {
                live.remove(id);
            } else {
                live.put(id, subscription);
            }
            if (step % 100 == 0) {
                for (int e = 0; e < 20; e++) {
                    StoredEvent event = event(pick(random, resources), pick(random, new String[] {"https://x.example/1",
                            "https://y.example/app/2", "https://z.example"}), pick(random, new String[] {"a.created", "a.updated",
                            "b.deleted"}), pick(random, subjects), pick(random, alternatives));
                    Set<String> parents = "/org/910000002".equals(event.alternativeSubject()) ? Set.of("910000001") : Set.of();
                    List<Long> expected = live.values().stream().filter(candidate -> literally(candidate.filter(), event, parents))
                            .map(candidate -> candidate.id().value()).sorted().toList();
                    assertThat(matches(event, parents)).as("step %d, %s", step, event).isEqualTo(expected);
                }
            }
        }
        assertThat(index.size()).isEqualTo(live.size());
    }

    private static String pick(java.util.SplittableRandom random, String[] values) {
        return values[random.nextInt(values.length)];
    }

    private static boolean literally(SubscriptionFilter filter, StoredEvent event, Set<String> parents) {
        return filter.resource().equals(event.resource())
                && (filter.sourcePrefix() == null || event.key().source().startsWith(filter.sourcePrefix()))
                && (filter.subject() == null || filter.subject().equals(event.subject()))
                && (filter.alternativeSubject() == null || filter.alternativeSubject().equals(event.alternativeSubject())
                        || filter.includeSubunits() && parents.stream().anyMatch(p -> filter.alternativeSubject().equals("/org/" + p)))
                && (filter.type() == null || (filter.typeIsPrefix()
                        ? event.type().startsWith(filter.type().substring(0, filter.type().length() - 1))
                        : filter.type().equals(event.type())));
    }
}
