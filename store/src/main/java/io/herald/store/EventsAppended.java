package io.herald.store;

/**
 * Published (as a Spring application event) after events were committed to the log, so that
 * followers on this instance look at once instead of at their next poll. Other instances still
 * find the events by polling.
 */
public record EventsAppended(int count) {
}
