package io.herald.store;

import java.util.List;
import java.util.function.Consumer;

/**
 * The log pushed to consumers that share it through leases (Cosmos DB's change feed processor):
 * each committed event reaches one of the running consumers of a {@code group}, at least once;
 * a consumer that stops hands its leases to the others. A batch's checkpoint moves only after
 * the handler returned, so whatever the handler committed before returning is never skipped.
 */
public interface SharedChangeFeed {

    /**
     * Starts consuming as {@code instance} of {@code group}; {@code handler} gets committed events
     * only (never those of an aborted commit), and a batch it throws on is offered again.
     */
    Running start(String group, String instance, java.util.function.Consumer<List<StoredEvent>> handler);

    /** A running consumer. */
    interface Running extends AutoCloseable {

        /** Stops consuming and gives the leases back (after the batch in progress). */
        @Override
        void close();
    }
}
