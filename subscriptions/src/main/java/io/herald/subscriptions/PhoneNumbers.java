package io.herald.subscriptions;

import java.util.regex.Pattern;

/**
 * Phone numbers as SMS subscriptions name them: E.164 ({@code +}, a country code not starting with
 * 0, at most 15 digits in all). A number is personal data: it is shown and logged only masked.
 */
public final class PhoneNumbers {

    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");

    private PhoneNumbers() {
    }

    /** True when {@code number} is written as E.164, e.g. {@code +4791234567} (no spaces, no dashes). */
    public static boolean isE164(String number) {
        return number != null && E164.matcher(number).matches();
    }

    /**
     * The number with all but the first two and the last three digits hidden, e.g.
     * {@code +47*****567}: enough for its owner to recognise it, too little to call it.
     */
    public static String mask(String number) {
        if (number == null) {
            return null;
        }
        if (!isE164(number)) {
            return "(not a phone number)";
        }
        String digits = number.substring(1);
        return "+" + digits.substring(0, 2) + "*".repeat(digits.length() - 5) + digits.substring(digits.length() - 3);
    }
}
