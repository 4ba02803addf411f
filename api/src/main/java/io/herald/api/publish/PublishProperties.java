package io.herald.api.publish;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import io.herald.store.EventLimits;

/**
 * Limits on publishing ({@code herald.publish.*}); docs/configuration.md lists them.
 *
 * @param maxEventSize       the largest single event, as compact JSON
 * @param maxBatchSize       the most events in one batch request
 * @param maxBodySize        the largest request body
 * @param maxAttributeLength the longest string value of a context attribute (id, source, type, subject, ...)
 */
@ConfigurationProperties("herald.publish")
public record PublishProperties(
        @DefaultValue("256KB") DataSize maxEventSize,
        @DefaultValue("100") int maxBatchSize,
        @DefaultValue("1MB") DataSize maxBodySize,
        @DefaultValue("1024") int maxAttributeLength) {

    public PublishProperties {
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("herald.publish.max-batch-size must be at least 1 but was " + maxBatchSize);
        }
        if (maxBodySize.toBytes() > MAX_BODY_SIZE.toBytes()) {
            throw new IllegalArgumentException("herald.publish.max-body-size may be at most " + MAX_BODY_SIZE + " but was " + maxBodySize);
        }
        if (maxBodySize.compareTo(maxEventSize) < 0) {
            throw new IllegalArgumentException("herald.publish.max-body-size (" + maxBodySize
                    + ") must be at least herald.publish.max-event-size (" + maxEventSize + ")");
        }
    }

    /** A body is read into memory whole; beyond this, batches belong in several requests. */
    private static final DataSize MAX_BODY_SIZE = DataSize.ofMegabytes(64);

    public EventLimits eventLimits() {
        return new EventLimits(Math.toIntExact(maxEventSize.toBytes()), maxAttributeLength);
    }
}
