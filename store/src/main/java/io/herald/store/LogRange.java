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

    /** The index of the range of {@code count} that holds events of {@code resource}: {@link #hash} modulo {@code count}. */
    public static int indexOf(String resource, int count) {
        return (int) (hash(resource) % count);
    }

    /**
     * The stable hash that splits the log: the first 32 bits of the MD5 of {@code resource}'s UTF-8
     * bytes, unsigned — what PostgreSQL's {@code herald_log_range} computes, so an event falls in the
     * same range in either store and on either side of the database connection.
     */
    public static long hash(String resource) {
        byte[] md5 = Digests.md5().digest(resource.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return ((md5[0] & 0xFFL) << 24) | ((md5[1] & 0xFFL) << 16) | ((md5[2] & 0xFFL) << 8) | (md5[3] & 0xFFL);
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
