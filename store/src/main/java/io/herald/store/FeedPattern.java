package io.herald.store;

import java.util.Locale;

/**
 * A feed's {@code type} or {@code source} filter value: {@code %} matches any run of characters
 * (none included), every other character matches itself, letters in either case. A type pattern
 * must match the whole type; a source pattern the start of the source (an implied trailing
 * {@code %}), so a source without {@code %} is a prefix.
 */
public final class FeedPattern {

    public static final char WILDCARD = '%';

    private FeedPattern() {
    }

    /** The pattern as a SQL {@code LIKE} pattern (escape character {@code \}) for a lower-cased value. */
    public static String toLike(String pattern, boolean prefix) {
        var like = new StringBuilder(pattern.length() + 2);
        for (char c : pattern.toLowerCase(Locale.ROOT).toCharArray()) {
            if (c == '_' || c == '\\') {
                like.append('\\');
            }
            like.append(c);
        }
        if (prefix) {
            like.append(WILDCARD);
        }
        return like.toString();
    }

    /**
     * The pattern as an anchored regular expression, to be matched without regard to case; special
     * characters are escaped one by one (no quoting block), so Java, JavaScript and PCRE read it alike.
     */
    public static String toRegex(String pattern, boolean prefix) {
        var regex = new StringBuilder("^");
        for (char c : pattern.toCharArray()) {
            if (c == WILDCARD) {
                regex.append(".*");
            } else {
                if ("\\^$.|?*+()[]{}/".indexOf(c) >= 0) {
                    regex.append('\\');
                }
                regex.append(c);
            }
        }
        return regex.append(prefix ? "" : "$").toString();
    }
}
