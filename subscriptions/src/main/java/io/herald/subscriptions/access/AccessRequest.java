package io.herald.subscriptions.access;

import java.util.Objects;

/**
 * May {@code caller} do {@code action} on the events of {@code resource} about the party that
 * {@code subject} (e.g. {@code /party/50001}) and {@code alternativeSubject} (e.g.
 * {@code /person/12247918309}) name? Either may be null, not both.
 */
public record AccessRequest(Caller caller, String subject, String alternativeSubject, String resource, String action) {

    public static final String READ = "read";

    public AccessRequest {
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(action, "action");
        // one party, one request (and one kept decision), however the organisation is written
        subject = OrganisationSubjects.canonical(subject);
        alternativeSubject = OrganisationSubjects.canonical(alternativeSubject);
        if (subject == null && alternativeSubject == null) {
            throw new IllegalArgumentException("a request names the party by subject or alternativeSubject");
        }
    }

    public static AccessRequest read(Caller caller, String subject, String alternativeSubject, String resource) {
        return new AccessRequest(caller, subject, alternativeSubject, resource, READ);
    }
}
