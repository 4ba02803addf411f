package io.herald.store;

/**
 * One of {@code count} ranges the log is split into by a stable hash of each event's
 * {@code resource}; matcher instances share the log by range.
 */
public record LogRange(int index, int count) {

    public LogRange {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("a log range is 0 <= index < count but was " + index + " of " + count);
        }
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
