package io.herald.subscriptions.access;

import java.util.Set;

/**
 * Who asks, as a token or a stored subscription says: an agency ({@code org}, e.g. {@code skd}), a
 * person (person number), an organisation (organisation number), optionally a party id, and the
 * apps ({@code org/app}) whose events another agency delegated to it by a per-app scope. Any of
 * them may be null; a caller with none of them reads nothing.
 */
public record Caller(String agency, String personNumber, String organisationNumber, String partyId, Set<String> appGrants) {

    public static final Caller NOBODY = new Caller(null, null, null, null, Set.of());

    public Caller {
        agency = blankToNull(agency);
        personNumber = blankToNull(personNumber);
        organisationNumber = blankToNull(organisationNumber);
        partyId = blankToNull(partyId);
        appGrants = appGrants == null ? Set.of() : Set.copyOf(appGrants);
    }

    /**
     * The owner of subscriptions and the grantee of delegations: {@code /org/{agency}}, else
     * {@code /person/{number}}, else {@code /organisation/{number}}, else {@code /party/{id}};
     * null for a caller without identity.
     */
    public String principal() {
        if (agency != null) {
            return "/org/" + agency;
        }
        if (personNumber != null) {
            return "/person/" + personNumber;
        }
        if (organisationNumber != null) {
            return "/organisation/" + organisationNumber;
        }
        return partyId != null ? "/party/" + partyId : null;
    }

    /** The caller a subscription's owner ({@link #principal()}) stands for, with the app grants recorded for it. */
    public static Caller ofPrincipal(String principal, Set<String> appGrants) {
        if (principal == null) {
            return NOBODY;
        }
        if (principal.startsWith("/org/")) {
            return new Caller(principal.substring(5), null, null, null, appGrants);
        }
        if (principal.startsWith("/person/")) {
            return new Caller(null, principal.substring(8), null, null, appGrants);
        }
        if (principal.startsWith("/organisation/")) {
            return new Caller(null, null, principal.substring(14), null, appGrants);
        }
        if (principal.startsWith("/party/")) {
            return new Caller(null, null, null, principal.substring(7), appGrants);
        }
        return new Caller(null, null, null, null, appGrants);
    }

    /**
     * True when the event subject written as {@code /person/{n}}, {@code /org/{n}} (or
     * {@code /organisation/{n}}) or {@code /party/{id}} is this caller itself.
     */
    public boolean is(String party) {
        if (party == null) {
            return false;
        }
        return (personNumber != null && party.equals("/person/" + personNumber))
                || (organisationNumber != null && organisationNumber.equals(OrganisationSubjects.number(party)))
                || (partyId != null && party.equals("/party/" + partyId));
    }

    public Caller withAppGrants(Set<String> grants) {
        return new Caller(agency, personNumber, organisationNumber, partyId, grants);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
