package io.herald.subscriptions.access;

import java.util.List;

import io.herald.store.StoredEvent;

/** Whether each caller may read the event beside it: what the matcher asks before it writes a delivery. */
@FunctionalInterface
public interface ReadAccess {

    /** One answer per pair, in order; {@code callers} and {@code events} have the same length. */
    boolean[] mayRead(List<Caller> callers, List<StoredEvent> events);
}
