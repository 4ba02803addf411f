package io.herald.store;

/**
 * A read was asked to start after a position this event log never handed out: it lies beyond
 * every transaction the database has committed, so it comes from another database (or one restored
 * from an older backup). Following it would wait for ever; see docs/adr/0014-cursor-from-another-log.md.
 */
public class UnknownPositionException extends RuntimeException {

    private final EventPosition position;

    public UnknownPositionException(EventPosition position, long committedBelow) {
        super("the cursor " + position + " lies beyond the end of this event log (every position it has issued is below "
                + committedBelow + "-0): it was not issued by this Herald, or by its database before a restore; "
                + "start again with after=0 or from a time");
        this.position = position;
    }

    public EventPosition position() {
        return position;
    }
}
