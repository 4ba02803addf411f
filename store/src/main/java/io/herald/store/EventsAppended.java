package io.herald.store;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Told ({@link AppendListeners}) after events were committed to the log, so that
 * followers on this instance look at once instead of at their next poll, and only where the new
 * events are (their resources name their {@link LogRange}s). Other instances still find the events
 * by polling.
 *
 * @param count     how many events were committed
 * @param resources the resources of those events
 */
public record EventsAppended(int count, Set<String> resources) {

    public EventsAppended {
        resources = Set.copyOf(resources);
    }

    /** What appending {@code events} committed. */
    public static EventsAppended of(List<IncomingEvent> events) {
        if (events.size() == 1) {
            return new EventsAppended(1, Set.of(events.get(0).resource()));
        }
        return new EventsAppended(events.size(), events.stream().map(IncomingEvent::resource).collect(Collectors.toSet()));
    }
}
