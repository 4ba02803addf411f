package io.herald.api.feed;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Feed paging ({@code herald.feed.*}); docs/configuration.md lists them.
 *
 * @param defaultSize events in a page when the caller names no {@code size}
 * @param maxSize     the largest page a feed returns; a larger {@code size} is clamped to it
 * @param maxExamined the most events one request examines for a caller who may not read them all;
 *                    the page then comes back short, with a {@code next} past all it examined
 * @param maxConcurrentReads the most feed pages this instance reads from the store at once; further
 *                    reads wait their turn, first come first served. 0: the processors the JVM sees, plus one
 * @param readWait    how long a read waits for its turn before it is answered 503 with {@code Retry-After}
 */
@ConfigurationProperties("herald.feed")
public record FeedProperties(
        @DefaultValue("50") int defaultSize,
        @DefaultValue("1000") int maxSize,
        @DefaultValue("5000") int maxExamined,
        @DefaultValue("0") int maxConcurrentReads,
        @DefaultValue("2s") Duration readWait) {

    public FeedProperties {
        if (defaultSize < 1 || defaultSize > maxSize) {
            throw new IllegalArgumentException("herald.feed.default-size must be between 1 and herald.feed.max-size ("
                    + maxSize + ") but was " + defaultSize);
        }
        if (maxExamined < maxSize) {
            throw new IllegalArgumentException("herald.feed.max-examined must be at least herald.feed.max-size ("
                    + maxSize + ") but was " + maxExamined);
        }
        if (maxConcurrentReads < 0) {
            throw new IllegalArgumentException("herald.feed.max-concurrent-reads must be 0 (the processors plus one) or more but was "
                    + maxConcurrentReads);
        }
        if (readWait.isNegative() || readWait.isZero()) {
            throw new IllegalArgumentException("herald.feed.read-wait must be positive but was " + readWait);
        }
    }

    /** {@link #maxConcurrentReads()}, 0 resolved to the processors the JVM sees plus one. */
    public int concurrentReads() {
        return maxConcurrentReads > 0 ? maxConcurrentReads : Runtime.getRuntime().availableProcessors() + 1;
    }
}
