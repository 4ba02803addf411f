package io.herald.store.internal;

import io.herald.store.EventPosition;
import io.herald.store.UnknownPositionException;

/**
 * Tells a cursor this log never issued from one it did. Every position Herald hands out — an event's,
 * or the head a short page moves to — belongs to a committed transaction, and a committed transaction's
 * id is below the snapshot's {@code xmax} (the first id not yet completed) for good, since ids only
 * grow. So a cursor whose transaction id is at or above {@code xmax} was never issued here: it comes
 * from another database. A caught-up cursor (the head) stays below it and keeps working.
 * See docs/adr/0014-cursor-from-another-log.md.
 */
final class UnknownPositions {

    private UnknownPositions() {
    }

    /**
     * @param committedBelow the snapshot's {@code xmax}: every committed transaction id is below it
     * @throws UnknownPositionException when {@code after} lies at or beyond it
     */
    static void check(EventPosition after, long committedBelow) {
        if (after.tx() >= committedBelow) {
            throw new UnknownPositionException(after, committedBelow);
        }
    }
}
