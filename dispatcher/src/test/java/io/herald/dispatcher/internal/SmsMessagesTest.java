package io.herald.dispatcher.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import io.herald.dispatcher.SmsProperties;
import io.herald.store.EventKey;
import io.herald.store.EventPosition;
import io.herald.store.StoredEvent;

/** The texts of the SMS channel: templates by type prefix, and the length rule (one SMS, or at most max-parts). */
class SmsMessagesTest {

    private static SmsProperties settings(Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(Map.of(
                "herald.sms.link", "https://herald.example/e/{id}",
                "herald.sms.templates.[app.instance.]", "{type} for {subject}: {link}",
                "herald.sms.templates.[app.instance.process.completed]", "Done: {subject}",
                "herald.sms.max-parts", "2"));
        values.putAll(extra);
        return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate("herald.sms", SmsProperties.class);
    }

    private static StoredEvent event(String type, String subject) {
        return new StoredEvent(new EventPosition(1, 1), Instant.parse("2026-12-06T08:00:00Z"), new EventKey("res", "e-1"), type,
                "res", subject, null, null, Instant.parse("2026-12-06T07:59:00.123456Z"), "{}");
    }

    @Test
    void shouldUseTheTemplateOfTheLongestTypePrefixThatStartsTheType() {
        SmsMessages messages = new SmsMessages(settings(Map.of()));

        assertThat(messages.text(event("app.instance.created", "/party/501337")))
                .isEqualTo("app.instance.created for /party/501337: https://herald.example/e/e-1");
        assertThat(messages.text(event("app.instance.process.completed", "/party/501337"))).isEqualTo("Done: /party/501337");
        assertThat(messages.text(event("other.thing", "/party/501337")))
                .isEqualTo("Herald: other.thing for /party/501337 at 2026-12-06T07:59:00Z. https://herald.example/e/e-1");
    }

    @Test
    void shouldReplacePlaceholdersOnceSoAValueIsNeverReadAsOne() {
        SmsMessages messages = new SmsMessages(settings(Map.of()));

        assertThat(messages.text(event("app.instance.created", "/party/{link}")))
                .isEqualTo("app.instance.created for /party/{link}: https://herald.example/e/e-1");
    }

    @Test
    void shouldKeepAGsm7TextOf160CharactersInOneMessage() {
        String text = "a".repeat(160);

        assertThat(SmsMessages.fit(text, 1)).isEqualTo(text);
        assertThat(SmsText.parts(text)).hasSize(1);
    }

    @Test
    void shouldCutAGsm7TextBeyondItsPartsWithAGsm7Ellipsis() {
        String text = "word ".repeat(100); // 500 septets: four parts of 153

        String cut = SmsMessages.fit(text, 2);

        assertThat(cut).endsWith("...");
        assertThat(SmsText.encoding(cut)).isEqualTo(SmsText.Encoding.GSM_7);
        assertThat(SmsText.parts(cut)).hasSize(2);
        assertThat(SmsText.units(cut)).isLessThanOrEqualTo(2 * 153).isGreaterThan(2 * 153 - 8);
    }

    @Test
    void shouldCutAUcs2TextToItsPartsOf67WithoutSplittingASurrogatePair() {
        String text = "Søknad mottatt 😀 ".repeat(20); // an emoji: UCS-2, 2 units each

        String cut = SmsMessages.fit(text, 2);

        assertThat(SmsText.encoding(cut)).isEqualTo(SmsText.Encoding.UCS_2);
        assertThat(cut).endsWith("…");
        assertThat(SmsText.parts(cut)).hasSize(2);
        assertThat(cut.length()).isLessThanOrEqualTo(2 * 67);
        String beforeEllipsis = cut.substring(0, cut.length() - 1);
        assertThat(Character.isHighSurrogate(beforeEllipsis.charAt(beforeEllipsis.length() - 1))).isFalse();
    }

    @Test
    void shouldKeepAUcs2TextOf70UnitsInOneMessage() {
        String text = "Ж".repeat(70);

        assertThat(SmsMessages.fit(text, 1)).isEqualTo(text);
        assertThat(SmsMessages.fit(text + "Ж", 1)).hasSize(70).endsWith("…");
    }

    @Test
    void shouldTextTheCodeAndTheDigestFromTheirTemplates() {
        SmsMessages messages = new SmsMessages(settings(Map.of("herald.sms.rate-limit.digest-link", "https://herald.example/feed")));

        assertThat(messages.code("012345")).isEqualTo("Your Herald code is 012345. It expires in 10 minutes.");
        assertThat(messages.digest(7)).isEqualTo("Herald: and 7 more events. https://herald.example/feed");
    }
}
