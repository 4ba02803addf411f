package io.herald.subscriptions.access;

import java.util.regex.Pattern;

/**
 * An organisation (a business, by its 9-digit number) as a subject is written two ways: Herald's
 * and the platform's app events use {@code /org/{number}}, the platform's Correspondence service and
 * organisation subscribers {@code /organisation/{number}}. Herald reads both as the same party and
 * compares them in the {@code /org/} form. ({@code /org/{agency}} with letters names an agency, not
 * an organisation number, and is left as it is.)
 */
public final class OrganisationSubjects {

    private static final String ORG = "/org/";
    private static final String ORGANISATION = "/organisation/";
    private static final Pattern NUMBER = Pattern.compile("[0-9]{9}");

    private OrganisationSubjects() {
    }

    /** {@code /organisation/{number}} as {@code /org/{number}}; anything else unchanged (null stays null). */
    public static String canonical(String subject) {
        if (subject != null && subject.startsWith(ORGANISATION) && NUMBER.matcher(subject).region(ORGANISATION.length(),
                subject.length()).matches()) {
            return ORG + subject.substring(ORGANISATION.length());
        }
        return subject;
    }

    /** The organisation number of {@code /org/{number}} or {@code /organisation/{number}}, else null. */
    public static String number(String subject) {
        String canonical = canonical(subject);
        if (canonical != null && canonical.startsWith(ORG)
                && NUMBER.matcher(canonical).region(ORG.length(), canonical.length()).matches()) {
            return canonical.substring(ORG.length());
        }
        return null;
    }
}
