package io.herald.subscriptions;

import java.util.Objects;

/**
 * What a subscription matches (DESIGN "Matching"): {@code resource} equals the event's resource;
 * each other filter, when set, must hold too. {@code sourcePrefix} is a prefix of the source;
 * {@code subject} and {@code alternativeSubject} are equal; {@code type} is equal, or with a
 * trailing {@code *} a prefix; {@code includeSubunits} lets an {@code /org/{number}} alternative
 * subject filter match the organisation's subunits as well.
 */
public record SubscriptionFilter(
        String resource,
        String sourcePrefix,
        String subject,
        String alternativeSubject,
        String type,
        boolean includeSubunits) {

    public SubscriptionFilter {
        Objects.requireNonNull(resource, "resource");
    }

    /** True when {@code type} ends with {@code *}: the rest is a prefix. */
    public boolean typeIsPrefix() {
        return type != null && type.endsWith("*");
    }
}
