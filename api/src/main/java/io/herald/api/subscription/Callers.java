package io.herald.api.subscription;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;

import io.herald.api.security.CallerIdentities;
import io.herald.subscriptions.access.Caller;

/**
 * Who is calling, from the token alone: never from the request body. The consumer owns
 * subscriptions; an agency's token ({@code org}) owns them for the agency, whoever of it asks.
 */
@Component
class Callers {

    private final CallerIdentities identities;

    Callers(CallerIdentities identities) {
        this.identities = identities;
    }

    Caller caller(Jwt token) {
        return identities.of(token);
    }

    /**
     * {@code /org/{org}} for an agency, else {@code /person/{pid}} for a person, else
     * {@code /organisation/{orgNumber}} for an organisation, else {@code /party/{id}}, else
     * {@code /sub/{identity}} (which may list and manage, but not create: it reads nothing). A token
     * without the identity claim ({@code sub} unless configured) acts on no subscriptions at all,
     * even an agency's: nobody could tell who asked.
     */
    String consumer(Jwt token) {
        String subject = createdBy(token);
        String principal = identities.of(token).principal();
        return principal != null ? principal : "/sub/" + subject;
    }

    /** The token's identity claim ({@code sub} unless configured): who asked, even when the subscription belongs to their agency. */
    String createdBy(Jwt token) {
        String identity = identities.identity(token);
        if (identity == null) {
            throw new UnidentifiedCallerException(identities.identityClaim());
        }
        return identity;
    }
}
