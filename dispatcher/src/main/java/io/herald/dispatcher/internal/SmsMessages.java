package io.herald.dispatcher.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.herald.dispatcher.SmsProperties;
import io.herald.store.StoredEvent;

/**
 * The texts Herald sends: an event's from the template of the longest type prefix that starts its
 * type (else the default template), a digest, a verification code. Each fits in
 * {@code herald.sms.max-parts} messages ({@link SmsText}: 160 GSM-7 or 70 UCS-2 characters alone,
 * 153 or 67 per concatenated part); a longer text is cut and ends in an ellipsis.
 */
final class SmsMessages {

    private final SmsProperties settings;

    SmsMessages(SmsProperties settings) {
        this.settings = settings;
    }

    /** The text that tells of {@code event}. */
    String text(StoredEvent event) {
        String template = settings.defaultTemplate();
        int longest = -1;
        for (Map.Entry<String, String> entry : settings.templates().entrySet()) {
            if (event.type() != null && event.type().startsWith(entry.getKey()) && entry.getKey().length() > longest) {
                longest = entry.getKey().length();
                template = entry.getValue();
            }
        }
        String id = event.key().id();
        String link = settings.link().isBlank() ? "" : settings.link().replace("{id}", URLEncoder.encode(id, StandardCharsets.UTF_8));
        return fit(render(template, Map.of(
                "type", nullToEmpty(event.type()),
                "subject", nullToEmpty(event.subject()),
                // whole seconds: every character counts in a text
                "time", (event.time() == null ? event.storedAt() : event.time()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                        .toString(),
                "id", id,
                "link", link)), settings.maxParts());
    }

    /** The digest of {@code count} events folded by the rate limit. */
    String digest(int count) {
        return fit(render(settings.rateLimit().digestTemplate(), Map.of(
                "count", Integer.toString(count),
                "link", settings.rateLimit().digestLink())), settings.maxParts());
    }

    /** The text that carries a verification code. */
    String code(String code) {
        return fit(render(settings.verification().text(), Map.of(
                "code", code,
                "minutes", Long.toString(Math.max(1, settings.verification().codeTtl().toMinutes())))), settings.maxParts());
    }

    /** Replaces each {@code {name}} once, in one pass (a value holding "{x}" is not read as a placeholder); trims the ends. */
    static String render(String template, Map<String, String> values) {
        StringBuilder text = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf('{', i);
            int close = open < 0 ? -1 : template.indexOf('}', open);
            if (open < 0 || close < 0) {
                text.append(template, i, template.length());
                break;
            }
            String name = template.substring(open + 1, close);
            text.append(template, i, open);
            if (values.containsKey(name)) {
                text.append(values.get(name));
            } else {
                text.append(template, open, close + 1);
            }
            i = close + 1;
        }
        return text.toString().strip();
    }

    /**
     * The text unchanged when it fits in {@code maxParts} messages, else its longest start that fits
     * with an ellipsis ("..." in GSM-7, "…" in UCS-2, so the cut never changes the alphabet).
     */
    static String fit(String text, int maxParts) {
        if (SmsText.parts(text).size() <= maxParts) {
            return text;
        }
        String ellipsis = SmsText.encoding(text) == SmsText.Encoding.GSM_7 ? "..." : "…";
        int end = text.length();
        while (end > 0) {
            end--;
            if (end > 0 && Character.isLowSurrogate(text.charAt(end)) && Character.isHighSurrogate(text.charAt(end - 1))) {
                continue; // never between the halves of a surrogate pair
            }
            String cut = text.substring(0, end).stripTrailing() + ellipsis;
            if (SmsText.parts(cut).size() <= maxParts) {
                return cut;
            }
        }
        return ellipsis;
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
