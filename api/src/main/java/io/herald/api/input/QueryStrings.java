package io.herald.api.input;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Checks a raw query string as the client sent it: every percent-escape complete, every name and
 * value valid UTF-8 once decoded, and no control character (U+0000–U+001F, U+007F–U+009F) in either.
 * Tomcat would otherwise fail on the first two deep inside parameter parsing, and the last would
 * reach the database (which refuses NUL).
 */
final class QueryStrings {

    private QueryStrings() {
    }

    /** What is wrong with the query, or null when nothing is. */
    static String problem(String query) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        for (String pair : query.split("&", -1)) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String problem = check(name, "a parameter name");
            if (problem == null && equals >= 0) {
                problem = check(pair.substring(equals + 1), "the value of " + printable(name));
            }
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static String check(String raw, String what) {
        var bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int high = i + 1 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int low = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (high < 0 || low < 0) {
                    return what + " has a malformed percent-escape at character " + (i + 1)
                            + ": '%' must be followed by two hexadecimal digits (send a literal % as %25)";
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else if (c == '+') {
                bytes.write(' ');
            } else {
                bytes.write(c); // Tomcat hands over the raw bytes as ISO-8859-1 characters
            }
        }
        String decoded;
        try {
            decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return what + " is not valid UTF-8 once percent-decoded";
        }
        for (int i = 0; i < decoded.length(); i++) {
            if (Character.isISOControl(decoded.charAt(i))) {
                return what + " contains the control character U+" + String.format("%04X", (int) decoded.charAt(i))
                        + " at character " + (i + 1);
            }
        }
        return null;
    }

    private static String printable(String raw) {
        return "'" + printable(raw, 64) + "'";
    }

    /** Client text fit for a message and a log line: at most {@code max} characters, nothing but printable ASCII. */
    static String printable(String raw, int max) {
        var text = new StringBuilder();
        for (int i = 0; i < raw.length() && text.length() < max; i++) {
            char c = raw.charAt(i);
            text.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return raw.length() > max ? text + "…" : text.toString();
    }
}
