package io.herald.api.security;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;

import io.herald.subscriptions.access.Caller;

/**
 * The caller's identities, read from the token alone with the claim names of
 * {@code herald.security.claims.*}: agency, person, organisation, party, and the apps whose
 * events a per-app scope lets it read. A value in the wrong form is ignored, never trusted.
 */
@Component
public class CallerIdentities {

    private static final Pattern AGENCY = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final Pattern PERSON = Pattern.compile("\\d{11}");
    private static final Pattern ORGANISATION = Pattern.compile("(?:0192:)?(\\d{9})");
    private static final Pattern PARTY = Pattern.compile("\\d{1,18}");
    private static final Pattern APP = Pattern.compile("[A-Za-z0-9-]{1,64}/[A-Za-z0-9_-]{1,64}");

    private final SecurityProperties properties;

    public CallerIdentities(SecurityProperties properties) {
        this.properties = properties;
    }

    /** The caller behind an authentication; {@link Caller#NOBODY} when there is no token. */
    public Caller of(Authentication authentication) {
        if (authentication != null && authentication.getPrincipal() instanceof Jwt token) {
            return of(token);
        }
        return Caller.NOBODY;
    }

    public Caller of(Jwt token) {
        SecurityProperties.Claims names = properties.claims();
        String organisation = null;
        Object claim = token.getClaims().get(names.organisation());
        if (claim instanceof Map<?, ?> object) {
            claim = object.get("ID");
        }
        if (claim instanceof String text) {
            var matcher = ORGANISATION.matcher(text);
            organisation = matcher.matches() ? matcher.group(1) : null;
        }
        return new Caller(
                text(token, names.org(), AGENCY),
                text(token, names.person(), PERSON),
                organisation,
                text(token, names.party(), PARTY),
                appGrants(token));
    }

    /**
     * Who is calling: the value of the identity claim ({@code herald.security.claims.identity},
     * {@code sub} unless configured), a non-blank string or a whole number; null when the token has
     * none (or one of another form).
     */
    public String identity(Jwt token) {
        Object value = token.getClaims().get(properties.claims().identity());
        if (value instanceof String text && !text.isBlank()) {
            return text;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof java.math.BigInteger) {
            return value.toString();
        }
        return null;
    }

    /** The name of the identity claim, for answers that say what a token lacks. */
    public String identityClaim() {
        return properties.claims().identity();
    }

    private Set<String> appGrants(Jwt token) {
        Object scope = token.getClaims().get("scope");
        if (scope == null) {
            scope = token.getClaims().get("scp");
        }
        Collection<?> scopes = scope instanceof String text ? List.of(text.split(" ")) : scope instanceof Collection<?> list ? list : List.of();
        Set<String> apps = new HashSet<>();
        String prefix = properties.appScopePrefix();
        for (Object value : scopes) {
            if (value instanceof String name && name.startsWith(prefix) && APP.matcher(name.substring(prefix.length())).matches()) {
                apps.add(name.substring(prefix.length()));
            }
        }
        return apps;
    }

    private static String text(Jwt token, String claim, Pattern form) {
        Object value = token.getClaims().get(claim);
        if (value instanceof Number number) {
            value = number.toString();
        }
        return value instanceof String text && form.matcher(text).matches() ? text : null;
    }
}
