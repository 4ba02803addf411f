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
 * clients read) and in an RFC 8288 {@code Link} header.
 */
final class FeedResponses {

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
        return NextLinks.ok(page.next().toString())
                .contentType(MediaType.APPLICATION_JSON)
                .body(body.toByteArray());
    }
}
