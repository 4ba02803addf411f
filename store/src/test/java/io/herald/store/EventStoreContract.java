package io.herald.store;

import static io.herald.store.TestEvents.event;
import static io.herald.store.TestEvents.json;
import static io.herald.store.TestEvents.parse;
import static io.herald.store.TestEvents.uniqueResource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.node.ObjectNode;

/**
 * The contract every {@link EventStore} keeps. An implementation's integration test extends this
 * class and supplies the store; each test works on resources of its own.
 */
public abstract class EventStoreContract {

    protected abstract EventStore store();

    private List<StoredEvent> readAll(FeedQuery query) {
        var events = new ArrayList<StoredEvent>();
        FeedPage page;
        do {
            page = store().read(query);
            events.addAll(page.events());
            query = query.withAfter(page.next());
        } while (!page.events().isEmpty());
        return events;
    }

    private static FeedQuery resourceFeed(String resource) {
        return FeedQuery.after(EventPosition.START, 100).withResource(resource);
    }

    private static List<String> ids(List<StoredEvent> events) {
        return events.stream().map(e -> e.key().id()).toList();
    }

    @Test
    void shouldReadAppendedEventsBackInAppendOrderAtTheirPositions() {
        String resource = uniqueResource();
        var first = event(resource);
        var second = event(resource);
        var third = event(resource);

        var one = (AppendResult.Appended) store().append(List.of(first));
        var two = (AppendResult.Appended) store().append(List.of(second, third));

        List<StoredEvent> stored = readAll(resourceFeed(resource));
        assertThat(ids(stored)).containsExactly(first.key().id(), second.key().id(), third.key().id());
        assertThat(stored).extracting(StoredEvent::position)
                .containsExactly(one.positions().get(0), two.positions().get(0), two.positions().get(1));
        assertThat(stored.get(0).json()).isEqualTo(first.json());
        assertThat(stored.get(1).position().isAfter(stored.get(0).position())).isTrue();
    }

    @Test
    void shouldStoreARepublishedEventOnceAndAnswerWithItsFirstPosition() {
        String resource = uniqueResource();
        var event = event(resource);

        var first = store().append(List.of(event));
        var again = store().append(List.of(event));

        assertThat(again).isEqualTo(first);
        assertThat(readAll(resourceFeed(resource))).hasSize(1);
    }

    @Test
    void shouldTreatTheSameAttributesInAnotherOrderAsTheSameContent() {
        String resource = uniqueResource();
        ObjectNode original = json(resource);
        original.put("subject", "/party/1");
        ObjectNode reordered = original.objectNode();
        List.of("subject", "resource", "type", "source", "id", "specversion")
                .forEach(name -> reordered.set(name, original.get(name)));

        var first = store().append(List.of(parse(original)));
        var again = store().append(List.of(parse(reordered)));

        assertThat(again).isEqualTo(first);
    }

    @Test
    void shouldKeyIdempotencyWithinAResourceSoAnotherResourcesEventNeverBlocksIt() {
        String squatted = uniqueResource();
        String rightful = uniqueResource();
        ObjectNode first = json(squatted);
        ObjectNode sameKey = json(rightful);
        sameKey.put("source", first.get("source").asString());
        sameKey.put("id", first.get("id").asString());
        store().append(List.of(parse(first)));

        var stored = store().append(List.of(parse(sameKey)));
        var again = store().append(List.of(parse(sameKey)));

        assertThat(stored).isInstanceOf(AppendResult.Appended.class);
        assertThat(again).isEqualTo(stored);
        assertThat(ids(readAll(resourceFeed(rightful)))).containsExactly(sameKey.get("id").asString());
        assertThat(ids(readAll(resourceFeed(squatted)))).containsExactly(first.get("id").asString());
    }

    @Test
    void shouldRefuseTheWholeRequestWhenOneEventConflictsWithStoredContent() {
        String resource = uniqueResource();
        ObjectNode original = json(resource);
        store().append(List.of(parse(original)));
        ObjectNode changed = original.deepCopy();
        changed.put("type", "app.instance.deleted");
        var fresh = event(resource);

        var result = store().append(List.of(fresh, parse(changed)));

        assertThat(result).isEqualTo(new AppendResult.Conflicted(new EventKey(original.get("source").asString(), original.get("id").asString())));
        assertThat(ids(readAll(resourceFeed(resource)))).containsExactly(original.get("id").asString());
    }

    @Test
    void shouldStoreAnEventRepeatedWithinOneBatchOnce() {
        String resource = uniqueResource();
        var event = event(resource);

        var result = (AppendResult.Appended) store().append(List.of(event, event));

        assertThat(result.positions()).hasSize(2).containsOnly(result.positions().get(0));
        assertThat(readAll(resourceFeed(resource))).hasSize(1);
    }

    @Test
    void shouldRefuseABatchThatRepeatsAnIdWithOtherContent() {
        String resource = uniqueResource();
        ObjectNode original = json(resource);
        ObjectNode changed = original.deepCopy();
        changed.put("type", "app.instance.deleted");

        var result = store().append(List.of(parse(original), parse(changed)));

        assertThat(result).isInstanceOf(AppendResult.Conflicted.class);
        assertThat(readAll(resourceFeed(resource))).isEmpty();
    }

    @Test
    void shouldFilterOnEveryAttributeAFeedNames() {
        String resource = uniqueResource();
        ObjectNode match = json(resource);
        match.put("subject", "/party/501");
        match.put("alternativesubject", "/person/01017012345");
        match.put("type", "app.instance.process.completed");
        match.put("source", "https://apps.example/ttd/app/instances/501/0f3b0c36-3a5d-4bc8-9f5e-6a8e3c3b2d11");
        match.put("resourceinstance", "501/0f3b0c36-3a5d-4bc8-9f5e-6a8e3c3b2d11");
        match.put("time", "2026-06-01T12:00:00Z");
        ObjectNode other = json(resource);
        other.put("subject", "/party/777");
        other.put("time", "2026-01-01T12:00:00Z");
        store().append(List.of(parse(match), parse(other)));
        String matchId = match.get("id").asString();
        FeedQuery base = resourceFeed(resource);

        assertThat(ids(readAll(base))).hasSize(2);
        assertThat(ids(readAll(base.withSubject("/party/501")))).containsExactly(matchId);
        assertThat(ids(readAll(base.withAlternativeSubject("/person/01017012345")))).containsExactly(matchId);
        assertThat(ids(readAll(base.withTypes(List.of("app.instance.process.completed", "nothing"))))).containsExactly(matchId);
        assertThat(ids(readAll(base.withSourcePrefix("https://apps.example/ttd/app/")))).containsExactly(matchId);
        assertThat(ids(readAll(base.withInstanceId("0f3b0c36-3a5d-4bc8-9f5e-6a8e3c3b2d11")))).containsExactly(matchId);
        assertThat(ids(readAll(base.withTimeRange(Instant.parse("2026-05-01T00:00:00Z"), null)))).containsExactly(matchId);
        assertThat(ids(readAll(base.withTimeRange(null, Instant.parse("2026-06-01T12:00:00Z"))))).containsExactly(other.get("id").asString());
        assertThat(readAll(base.withSubject("/party/501").withTypes(List.of("app.instance.created")))).isEmpty();
    }

    @Test
    void shouldMatchTypeAndSourcePatternsWithoutRegardToCaseAndWithPercentAsWildcard() {
        String resource = uniqueResource();
        ObjectNode created = json(resource);
        created.put("type", "app.instance.created");
        created.put("source", "https://ttd.apps.example/ttd/app-one/instances/1/a");
        ObjectNode moved = json(resource);
        moved.put("type", "app.instance.process.movedTo.Task_2");
        moved.put("source", "https://ttd.apps.example/ttd/app-two/instances/1/b");
        ObjectNode other = json(resource);
        other.put("type", "app.instance.processXmovedTo.TaskX2");
        other.put("source", "urn:other:source");
        store().append(List.of(parse(created), parse(moved), parse(other)));
        String createdId = created.get("id").asString();
        String movedId = moved.get("id").asString();
        FeedQuery base = resourceFeed(resource);

        assertThat(ids(readAll(base.withTypes(List.of("APP.INSTANCE.CREATED"))))).containsExactly(createdId);
        assertThat(ids(readAll(base.withTypes(List.of("app.instance.%"))))).containsExactly(createdId, movedId, other.get("id").asString());
        assertThat(ids(readAll(base.withTypes(List.of("%movedto.task_2"))))).containsExactly(movedId);
        assertThat(ids(readAll(base.withTypes(List.of("app.instance.process.movedTo.Task_2", "app.instance.created")))))
                .containsExactly(createdId, movedId);
        assertThat(readAll(base.withTypes(List.of("app.instance")))).isEmpty();
        assertThat(ids(readAll(base.withSources(List.of("https://ttd.apps.example/ttd/%/instances/1/b", "HTTPS://TTD.APPS.EXAMPLE/ttd/app-one")))))
                .containsExactly(createdId, movedId);
        assertThat(readAll(base.withSources(List.of("https://%.apps.example/ttd/app-three")))).isEmpty();
    }

    @Test
    void shouldReadEventsWhoseAlternativeSubjectIsAnyOfSeveralInLogOrder() {
        String resource = uniqueResource();
        List<String> expected = new ArrayList<>();
        List<IncomingEvent> events = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ObjectNode event = json(resource);
            event.put("alternativesubject", i % 3 == 0 ? "/org/910000001" : i % 3 == 1 ? "/organisation/910000001" : "/org/910000002");
            events.add(parse(event));
            if (i % 3 != 2) {
                expected.add(event.get("id").asString());
            }
        }
        store().append(events.subList(0, 3));
        store().append(events.subList(3, 6));

        FeedQuery query = FeedQuery.after(EventPosition.START, 3).withResource(resource)
                .withAlternativeSubjects(List.of("/org/910000001", "/organisation/910000001"));
        FeedPage first = store().read(query);
        assertThat(first.events()).hasSize(3);
        assertThat(ids(readAll(query))).containsExactlyElementsOf(expected);
    }

    @Test
    void shouldFindThePositionOfAnEventById() {
        String resource = uniqueResource();
        var first = event(resource);
        var second = event(resource);
        var appended = (AppendResult.Appended) store().append(List.of(first, second));

        assertThat(store().positionOf(second.key().id(), null)).contains(appended.positions().get(1));
        assertThat(store().positionOf(second.key().id(), resource)).contains(appended.positions().get(1));
        assertThat(store().positionOf(second.key().id(), uniqueResource())).isEmpty();
        assertThat(store().positionOf("no-such-event-" + java.util.UUID.randomUUID(), null)).isEmpty();
    }

    @Test
    void shouldPageThroughAFeedWithoutRepeatsOrGaps() {
        String resource = uniqueResource();
        var appended = new ArrayList<String>();
        for (int i = 0; i < 7; i++) {
            var event = event(resource);
            store().append(List.of(event));
            appended.add(event.key().id());
        }

        var seen = new ArrayList<String>();
        FeedQuery query = FeedQuery.after(EventPosition.START, 3).withResource(resource);
        List<Integer> pageSizes = new ArrayList<>();
        FeedPage page;
        do {
            page = store().read(query);
            pageSizes.add(page.events().size());
            seen.addAll(ids(page.events()));
            query = query.withAfter(page.next());
        } while (!page.events().isEmpty());

        assertThat(seen).containsExactlyElementsOf(appended);
        assertThat(pageSizes).containsExactly(3, 3, 1, 0);
    }

    @Test
    void shouldNeverMoveTheCursorBackWhenNothingNewIsThere() {
        String resource = uniqueResource();
        store().append(List.of(event(resource)));
        FeedPage first = store().read(resourceFeed(resource));

        FeedPage empty = store().read(resourceFeed(resource).withAfter(first.next()));

        assertThat(empty.events()).isEmpty();
        assertThat(empty.next().compareTo(first.next())).isGreaterThanOrEqualTo(0);
    }

    /** A feed whose events are rare moves past other feeds' events, so it never re-reads them, and still misses nothing. */
    @Test
    void shouldMoveAQuietFeedsCursorPastOtherEventsWithoutSkippingItsOwn() {
        String quiet = uniqueResource();
        store().append(List.of(event(uniqueResource()), event(uniqueResource())));

        FeedPage empty = store().read(resourceFeed(quiet));
        var own = event(quiet);
        store().append(List.of(event(uniqueResource()), own));
        FeedPage next = store().read(resourceFeed(quiet).withAfter(empty.next()));

        assertThat(empty.events()).isEmpty();
        assertThat(empty.next().isAfter(EventPosition.START)).as("the cursor moved past the other events").isTrue();
        assertThat(ids(next.events())).containsExactly(own.key().id());
        assertThat(store().read(resourceFeed(quiet).withAfter(next.next())).events()).isEmpty();
    }

    /**
     * A cursor from another log ({@code after=999999999-1}) is refused, not answered with an empty page and the
     * same {@code next} for ever (docs/adr/0014-cursor-from-another-log.md).
     */
    @Test
    void shouldRefuseACursorBeyondEverythingThisLogHasIssued() {
        store().append(List.of(event(uniqueResource())));

        assertThatThrownBy(() -> store().read(FeedQuery.after(new EventPosition(999_999_999L, 1), 10)))
                .isInstanceOf(UnknownPositionException.class)
                .hasMessageContaining("999999999-1")
                .hasMessageContaining("not issued by this Herald");
        assertThatThrownBy(() -> store().read(resourceFeed(uniqueResource()).withAfter(new EventPosition(999_999_999L, 1))))
                .isInstanceOf(UnknownPositionException.class);
    }

    /** The normal "caught up, poll again" case: the head's cursor keeps answering an empty page, as often as asked. */
    @Test
    void shouldKeepAnsweringACaughtUpCursorWithAnEmptyPage() {
        String resource = uniqueResource();
        store().append(List.of(event(resource)));
        FeedPage caughtUp = store().read(resourceFeed(resource).withLimit(1000));

        for (int poll = 0; poll < 3; poll++) {
            FeedPage again = store().read(resourceFeed(resource).withAfter(caughtUp.next()));
            assertThat(again.events()).isEmpty();
            assertThat(again.next()).isEqualTo(caughtUp.next());
        }
        FeedPage whole = store().follow(EventPosition.START, 1000);
        while (!whole.events().isEmpty()) {
            whole = store().follow(whole.next(), 1000);
        }
        for (int poll = 0; poll < 3; poll++) {
            FeedPage again = store().follow(whole.next(), 1000);
            assertThat(again.events()).isEmpty();
            assertThat(again.next()).isEqualTo(whole.next());
        }
    }

    @Test
    void shouldSplitTheLogIntoRangesThatTogetherHoldEveryEventOnce() {
        FeedPage before = store().follow(EventPosition.START, 1_000_000);
        List<IncomingEvent> events = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            events.add(event(uniqueResource()));
        }
        store().append(events);
        int ranges = 4;

        List<String> seen = new ArrayList<>();
        List<Integer> perRange = new ArrayList<>();
        for (int range = 0; range < ranges; range++) {
            List<String> ids = ids(store().follow(before.next(), 100, new LogRange(range, ranges)).events());
            perRange.add(ids.size());
            seen.addAll(ids);
        }

        assertThat(seen).containsExactlyInAnyOrderElementsOf(events.stream().map(e -> e.key().id()).toList());
        assertThat(perRange).as("40 resources spread over 4 ranges").allMatch(n -> n > 0);
        IncomingEvent again = event(events.get(0).resource());
        store().append(List.of(again));
        long rangesHoldingTheResource = java.util.stream.IntStream.range(0, ranges)
                .filter(r -> !store().follow(before.next(), 100, new LogRange(r, ranges)).events().stream()
                        .filter(e -> e.resource().equals(again.resource())).toList().isEmpty())
                .count();
        assertThat(rangesHoldingTheResource).as("one resource always falls in one range").isEqualTo(1);
    }

    @Test
    void shouldFindStoredEventsByReference() {
        String resource = uniqueResource();
        var first = event(resource);
        var second = event(resource);
        store().append(List.of(first, second));
        List<StoredEvent> stored = readAll(resourceFeed(resource));

        List<StoredEvent> found = store().find(List.of(
                new EventReference(stored.get(1).position(), stored.get(1).storedAt()),
                new EventReference(new EventPosition(1, Long.MAX_VALUE - 1), stored.get(0).storedAt())));

        assertThat(found).extracting(e -> e.key().id()).containsExactly(second.key().id());
        assertThat(found.get(0).json()).isEqualTo(second.json());
    }

    @Test
    void shouldFollowTheWholeLogInOrder() {
        String resource = uniqueResource();
        FeedPage before = store().follow(EventPosition.START, 1_000_000);
        var event = event(resource);
        var otherEvent = event(uniqueResource());
        store().append(List.of(event, otherEvent));

        FeedPage after = store().follow(before.next(), 100);

        assertThat(ids(after.events())).containsExactly(event.key().id(), otherEvent.key().id());
    }
}
