package io.herald.dispatcher.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * How a text travels as SMS: in the GSM 03.38 7-bit alphabet when every character is in it (160
 * septets in one message; the extension characters {@code ^ { } \ [ ~ ] | €} and form feed take
 * two), otherwise as UCS-2 (70 UTF-16 units). A longer text is split into concatenated parts, each
 * shorter by the 6-byte header that joins them (153 septets, 67 units), never inside an escape
 * pair or a surrogate pair.
 */
final class SmsText {

    /** The alphabet a text is sent in, and what one message and one part of a longer one hold. */
    enum Encoding {
        GSM_7(160, 153),
        UCS_2(70, 67);

        final int single;
        final int part;

        Encoding(int single, int part) {
            this.single = single;
            this.part = part;
        }
    }

    private static final String BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    private static final String EXTENSION = "^{}\\[~]|€\f";

    private SmsText() {
    }

    static Encoding encoding(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (BASIC.indexOf(c) < 0 && EXTENSION.indexOf(c) < 0) {
                return Encoding.UCS_2;
            }
        }
        return Encoding.GSM_7;
    }

    /** The text's length in its encoding's units: septets for GSM-7, UTF-16 units for UCS-2. */
    static int units(String text) {
        return encoding(text) == Encoding.UCS_2 ? text.length() : septets(text, 0, text.length());
    }

    /** The text as the messages it is sent in: one when it fits, else concatenated parts. */
    static List<String> parts(String text) {
        Encoding encoding = encoding(text);
        if (units(text) <= encoding.single) {
            return List.of(text);
        }
        List<String> parts = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = start;
            int used = 0;
            while (end < text.length()) {
                int width = width(text, end, encoding);
                int cost = encoding == Encoding.GSM_7 ? septets(text, end, end + width) : width;
                if (used + cost > encoding.part) {
                    break;
                }
                used += cost;
                end += width;
            }
            parts.add(text.substring(start, end));
            start = end;
        }
        return parts;
    }

    /** How many chars make the character at {@code index}: 2 for a surrogate pair in UCS-2, else 1. */
    private static int width(String text, int index, Encoding encoding) {
        return encoding == Encoding.UCS_2 && Character.isHighSurrogate(text.charAt(index)) && index + 1 < text.length() ? 2 : 1;
    }

    private static int septets(String text, int from, int to) {
        int septets = 0;
        for (int i = from; i < to; i++) {
            septets += EXTENSION.indexOf(text.charAt(i)) >= 0 ? 2 : 1;
        }
        return septets;
    }
}
