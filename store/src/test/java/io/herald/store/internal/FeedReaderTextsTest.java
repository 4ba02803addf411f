package io.herald.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.herald.store.EventKey;
import io.herald.store.EventPosition;
import io.herald.store.FeedQuery;
import io.herald.store.StoredEvent;

/**
 * The log's subject, alternative subject and instance indexes hold a 64-bit hash of the text (V54): the rows a
 * page reads by the hash are kept only when their texts are the ones asked for, so two texts with one hash never mix.
 */
class FeedReaderTextsTest {

    private static final FeedQuery ALL = FeedQuery.after(EventPosition.START, 50);

    private static StoredEvent event(String subject, String alternativeSubject, String resourceInstance) {
        return new StoredEvent(new EventPosition(1, 1), Instant.EPOCH, new EventKey("https://apps.example", "1"),
                "app.instance.created", "urn:altinn:resource:app_ttd_app", subject, alternativeSubject, resourceInstance,
                Instant.EPOCH, null);
    }

    @Test
    void shouldKeepEveryRowWhenNoTextIsAskedFor() {
        assertThat(FeedReader.hasTheTexts(ALL, event(null, null, null))).isTrue();
        assertThat(FeedReader.hasTheTexts(ALL, event("/party/1", "/person/1", "1/guid"))).isTrue();
    }

    @Test
    void shouldKeepOnlyTheSubjectAskedFor() {
        FeedQuery query = ALL.withSubject("/party/1");

        assertThat(FeedReader.hasTheTexts(query, event("/party/1", null, null))).isTrue();
        assertThat(FeedReader.hasTheTexts(query, event("/party/2", null, null))).isFalse();
        assertThat(FeedReader.hasTheTexts(query, event(null, null, null))).isFalse();
    }

    @Test
    void shouldKeepAnyOfTheAlternativeSubjectsAskedFor() {
        FeedQuery query = ALL.withAlternativeSubjects(List.of("/org/000000007", "/organisation/000000007"));

        assertThat(FeedReader.hasTheTexts(query, event(null, "/org/000000007", null))).isTrue();
        assertThat(FeedReader.hasTheTexts(query, event(null, "/organisation/000000007", null))).isTrue();
        assertThat(FeedReader.hasTheTexts(query, event(null, "/org/000000008", null))).isFalse();
        assertThat(FeedReader.hasTheTexts(query, event(null, null, null))).isFalse();
    }

    @Test
    void shouldCompareTheInstanceIdAsTheLogDerivesItFromTheResourceInstance() {
        FeedQuery query = ALL.withInstanceId("6d6a6a5e-2e9f-4c43-9cf9-0bb1a2bd8b26");

        assertThat(FeedReader.hasTheTexts(query, event(null, null, "50001337/6d6a6a5e-2e9f-4c43-9cf9-0bb1a2bd8b26"))).isTrue();
        assertThat(FeedReader.hasTheTexts(query, event(null, null, "6d6a6a5e-2e9f-4c43-9cf9-0bb1a2bd8b26"))).isTrue();
        assertThat(FeedReader.hasTheTexts(query, event(null, null, "50001337/00000000-2e9f-4c43-9cf9-0bb1a2bd8b26"))).isFalse();
        assertThat(FeedReader.hasTheTexts(query, event(null, null, null))).isFalse();
    }
}
