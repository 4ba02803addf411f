package io.herald.bench;

/** What the bench's own HTTP/1.1 code ({@link SchedulePublisher}, {@link LoopbackReceiver}) looks for in the bytes it reads. */
final class HttpBytes {

    static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};
    static final byte[] LINE_END = {'\r', '\n'};

    private HttpBytes() {
    }

    /** Where {@code needle} starts in {@code bytes[from, to)}, or -1. */
    static int indexOf(byte[] bytes, int from, int to, byte[] needle) {
        outer:
        for (int i = from; i <= to - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The value of header {@code name} (lower case) in a lower-cased head, trimmed, or null when it has none. */
    static String headerValue(String head, String name) {
        int at = head.indexOf("\r\n" + name + ":");
        if (at < 0) {
            return null;
        }
        int from = at + name.length() + 3;
        int to = head.indexOf("\r\n", from);
        return head.substring(from, to < 0 ? head.length() : to).trim();
    }
}
