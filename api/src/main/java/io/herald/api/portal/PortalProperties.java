package io.herald.api.portal;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The subscriber portal ({@code herald.portal.*}). docs/configuration.md lists them.
 *
 * @param pollInterval how often an open subscription's page asks for new deliveries and attempts
 * @param signIn       the OAuth2 issuer subscribers sign in with (authorization code flow with PKCE);
 *                     unset, the page offers only a pasted token (and, in the {@code local} profile, a
 *                     token minted by {@code POST /local/token})
 */
@ConfigurationProperties("herald.portal")
public record PortalProperties(@DefaultValue("5s") Duration pollInterval, @DefaultValue SignIn signIn) {

    public PortalProperties {
        if (pollInterval.compareTo(Duration.ofMillis(200)) < 0) {
            throw new IllegalArgumentException("herald.portal.poll-interval must be at least 200ms but was " + pollInterval);
        }
    }

    /**
     * @param authorizationUri the issuer's authorization endpoint, where the browser is sent to sign in
     * @param tokenUri         the issuer's token endpoint, where the page exchanges the code (it must allow
     *                         CORS from Herald's origin, as issuers do for public clients)
     * @param clientId         the portal's client id at the issuer: a public client (no secret) whose
     *                         redirect URI is Herald's {@code /portal}
     * @param scope            the scopes asked for; unset, {@code herald.security.subscribe-scope}
     */
    public record SignIn(URI authorizationUri, URI tokenUri, String clientId, String scope) {

        public SignIn {
            boolean any = authorizationUri != null || tokenUri != null || (clientId != null && !clientId.isBlank());
            if (any && (authorizationUri == null || tokenUri == null || clientId == null || clientId.isBlank())) {
                throw new IllegalArgumentException("herald.portal.sign-in needs authorization-uri, token-uri and client-id together"
                        + " (or none of them) but was authorization-uri=" + authorizationUri + ", token-uri=" + tokenUri
                        + ", client-id=" + clientId);
            }
            requireWebUri("authorization-uri", authorizationUri);
            requireWebUri("token-uri", tokenUri);
        }

        public boolean configured() {
            return authorizationUri != null;
        }

        private static void requireWebUri(String name, URI uri) {
            if (uri == null) {
                return;
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!uri.isAbsolute() || uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
                throw new IllegalArgumentException("herald.portal.sign-in." + name + " must be an absolute https URL but was " + uri);
            }
        }
    }
}
