package io.herald.store;

import java.net.URI;
import java.net.URISyntaxException;

/** Checks on text that Herald's inputs share: URIs, and Unicode that can be stored as UTF-8. */
public final class TextChecks {

    private TextChecks() {
    }

    public static boolean isUriReference(String text) {
        try {
            new URI(text);
            return true;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    public static boolean isAbsoluteUri(String text) {
        try {
            return new URI(text).isAbsolute();
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** The index of the first UTF-16 surrogate without its partner, or -1: such text cannot be stored as UTF-8. */
    public static int unpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The length of the text in UTF-8 bytes, counted rather than encoded (each publish checks its event's size,
     * and encoding a copy only to count it showed in the batch profile). A surrogate pair counts 4 bytes; a
     * surrogate without its partner counts 2, but such text is refused anyway ({@link #unpairedSurrogate}).
     */
    public static int utf8Length(String text) {
        int length = text.length();
        int bytes = length;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                bytes += c < 0x800 || Character.isSurrogate(c) ? 1 : 2;
            }
        }
        return bytes;
    }
}
