package io.herald.store;

import java.util.regex.Pattern;

/**
 * Where an event stands in the log: the id of the transaction that wrote it, then its sequence
 * number. The log is read in this order, and a position is only handed out once no transaction
 * ordered before it can still commit (see docs/adr/0002-cursor.md).
 *
 * <p>Its text form, used as the feed cursor, is {@code "<tx>-<seq>"}; {@code "0"} is the start of
 * the retained log.
 */
public record EventPosition(long tx, long seq) implements Comparable<EventPosition> {

    public static final EventPosition START = new EventPosition(0, 0);

    private static final Pattern TEXT = Pattern.compile("(\\d{1,18})-(\\d{1,18})");

    public EventPosition {
        if (tx < 0 || seq < 0) {
            throw new IllegalArgumentException("position parts must not be negative but were " + tx + "-" + seq);
        }
    }

    /**
     * Parses a cursor as written by {@link #toString()}.
     *
     * @throws IllegalArgumentException naming the bad value when the text is not a cursor
     */
    public static EventPosition parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a cursor is required (0 starts at the beginning)");
        }
        String trimmed = text.trim();
        if (trimmed.equals("0")) {
            return START;
        }
        var matcher = TEXT.matcher(trimmed);
        if (!matcher.matches()) {
            throw new IllegalArgumentException(
                    "a cursor is 0 or <tx>-<seq> as given in a feed's next link, but was '" + text + "'");
        }
        return new EventPosition(Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2)));
    }

    /** True when {@code text} has a cursor's form ({@code 0} or {@code <tx>-<seq>}, spaces around ignored). */
    public static boolean isCursor(String text) {
        if (text == null) {
            return false;
        }
        String trimmed = text.trim();
        return trimmed.equals("0") || TEXT.matcher(trimmed).matches();
    }

    @Override
    public int compareTo(EventPosition other) {
        int byTx = Long.compare(tx, other.tx);
        return byTx != 0 ? byTx : Long.compare(seq, other.seq);
    }

    public boolean isAfter(EventPosition other) {
        return compareTo(other) > 0;
    }

    @Override
    public String toString() {
        return equals(START) ? "0" : tx + "-" + seq;
    }
}
