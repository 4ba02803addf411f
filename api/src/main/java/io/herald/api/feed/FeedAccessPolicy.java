package io.herald.api.feed;

import java.util.List;

import org.springframework.security.core.Authentication;

import io.herald.store.StoredEvent;

/**
 * Decides, per event of a page, whether the caller may read it. Feeds drop what it refuses and
 * keep the cursor past what was examined, so a filtered page comes back shorter but never stalls.
 */
@FunctionalInterface
public interface FeedAccessPolicy {

    /** One answer per event, in order. */
    boolean[] readable(Authentication caller, List<StoredEvent> events);
}
