package io.herald.api.feed;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Feed paging ({@code herald.feed.*}); docs/configuration.md lists them.
 *
 * @param defaultSize events in a page when the caller names no {@code size}
 * @param maxSize     the largest page a feed returns; a larger {@code size} is clamped to it
 * @param maxExamined the most events one request examines for a caller who may not read them all;
 *                    the page then comes back short, with a {@code next} past all it examined
 */
@ConfigurationProperties("herald.feed")
public record FeedProperties(
        @DefaultValue("50") int defaultSize,
        @DefaultValue("1000") int maxSize,
        @DefaultValue("5000") int maxExamined) {

    public FeedProperties {
        if (defaultSize < 1 || defaultSize > maxSize) {
            throw new IllegalArgumentException("herald.feed.default-size must be between 1 and herald.feed.max-size ("
                    + maxSize + ") but was " + defaultSize);
        }
        if (maxExamined < maxSize) {
            throw new IllegalArgumentException("herald.feed.max-examined must be at least herald.feed.max-size ("
                    + maxSize + ") but was " + maxExamined);
        }
    }
}
