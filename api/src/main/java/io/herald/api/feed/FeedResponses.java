package io.herald.api.feed;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import io.herald.api.NextLinks;
import io.herald.store.FeedPage;
import io.herald.store.StoredEvent;

/**
 * A feed page as HTTP: the stored events as a JSON array (written as stored, not re-serialized),
 * and the cursor to the next page as a full URL in the {@code next} header (what the platform's
 * clients read) and in an RFC 8288 {@code Link} header, both only when the page holds events.
 */
final class FeedResponses {

    /**
     * On every page, empty ones included: the cursor to pass as {@code after} next time, which may
     * lie past the last event returned (see docs/adr/0002-cursor.md).
     */
    static final String CURSOR_HEADER = "Herald-Position";

    private FeedResponses() {
    }

    static ResponseEntity<byte[]> page(FeedPage page) {
        var body = new ByteArrayOutputStream(256 + page.events().size() * 512);
        body.write('[');
        boolean first = true;
        for (StoredEvent event : page.events()) {
            if (!first) {
                body.write(',');
            }
            body.writeBytes(event.json().getBytes(StandardCharsets.UTF_8));
            first = false;
        }
        body.write(']');
        String cursor = page.next().toString();
        // the platform's clients loop while there is a next link: an empty page has none
        ResponseEntity.BodyBuilder answer = page.events().isEmpty() ? ResponseEntity.ok() : NextLinks.ok(cursor);
        return answer.header(CURSOR_HEADER, cursor)
                .contentType(MediaType.APPLICATION_JSON)
                .body(body.toByteArray());
    }
}
