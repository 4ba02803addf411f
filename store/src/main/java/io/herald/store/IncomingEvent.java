package io.herald.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A validated CloudEvent on its way into the log. Built by {@link CloudEventParser}; {@code json}
 * is the event exactly as it will be stored and served, {@code contentHash} identifies its content
 * regardless of attribute order, so that a re-publish can be told from a conflicting one.
 */
public record IncomingEvent(
        EventKey key,
        String type,
        String resource,
        String subject,
        String alternativeSubject,
        String resourceInstance,
        Instant time,
        String json,
        byte[] contentHash) {

    public IncomingEvent {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(contentHash, "contentHash");
    }

    /** The instance id (the last segment of {@code resourceinstance}), by which the instance feed looks events up. */
    public String instanceId() {
        return instanceIdOf(resourceInstance);
    }

    /** The instance id in a {@code resourceinstance} (its last segment), or null when there is none. */
    public static String instanceIdOf(String resourceInstance) {
        if (resourceInstance == null) {
            return null;
        }
        int slash = resourceInstance.lastIndexOf('/');
        return slash < 0 ? resourceInstance : resourceInstance.substring(slash + 1);
    }
}
