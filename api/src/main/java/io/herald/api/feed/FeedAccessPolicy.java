package io.herald.api.feed;

import org.springframework.security.core.Authentication;

import io.herald.store.StoredEvent;

/**
 * Decides, per event, whether the caller may read it. Feeds drop what it refuses after reading a
 * page, and keep the page's cursor, so a filtered page comes back shorter but never stalls.
 */
@FunctionalInterface
public interface FeedAccessPolicy {

    boolean mayRead(Authentication caller, StoredEvent event);
}
