package io.herald.api.subscription;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The caller's subscriptions as the platform lists them, {@code {count, subscriptions}}; when the
 * caller asked for a page ({@code size}) and there are more, {@code next} is the URL of the next page.
 */
public record SubscriptionList(
        int count,
        List<SubscriptionResponse> subscriptions,
        @JsonInclude(JsonInclude.Include.NON_NULL) String next) {
}
