package io.herald.api.subscription;

import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Who is calling, from the token alone: never from the request body. The consumer owns
 * subscriptions; an agency's token ({@code org}) owns them for the agency, whoever of it asks.
 */
final class Callers {

    private Callers() {
    }

    /**
     * {@code /org/{org}} for an agency, else {@code /person/{pid}} for a person, else
     * {@code /organisation/{orgNumber}} for an organisation, else {@code /sub/{sub}}.
     */
    static String consumer(Jwt token) {
        String org = claim(token, "org");
        if (org != null) {
            return "/org/" + org;
        }
        String pid = claim(token, "pid");
        if (pid != null) {
            return "/person/" + pid;
        }
        String orgNumber = claim(token, "orgNumber");
        if (orgNumber != null) {
            return "/organisation/" + orgNumber;
        }
        return "/sub/" + createdBy(token);
    }

    /** The token's subject: who asked, even when the subscription belongs to their agency. */
    static String createdBy(Jwt token) {
        String subject = claim(token, "sub");
        if (subject == null) {
            throw new UnidentifiedCallerException();
        }
        return subject;
    }

    private static String claim(Jwt token, String name) {
        String value = token.getClaimAsString(name);
        return value == null || value.isBlank() ? null : value;
    }
}
