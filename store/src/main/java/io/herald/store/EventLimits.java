package io.herald.store;

/**
 * Size limits on a single event.
 *
 * @param maxEventBytes      the largest event, as compact JSON in UTF-8
 * @param maxAttributeLength the longest string value of a context attribute (id, source, type, subject, ...)
 */
public record EventLimits(int maxEventBytes, int maxAttributeLength) {

    public EventLimits {
        if (maxEventBytes < 1024) {
            throw new IllegalArgumentException("maxEventBytes must be at least 1024 but was " + maxEventBytes);
        }
        if (maxAttributeLength < 16) {
            throw new IllegalArgumentException("maxAttributeLength must be at least 16 but was " + maxAttributeLength);
        }
    }
}
