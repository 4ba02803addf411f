package io.herald.api.portal;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.herald.api.security.LocalTokenController;
import io.herald.api.security.SecurityProperties;

/**
 * {@code GET /portal}: the subscriber portal's page (its scripts and styles are static resources
 * under {@code /portal/}), and {@code GET /portal/config.json}: what the page needs to sign a
 * subscriber in. Neither needs a token; both say nothing that is not public.
 */
@RestController
public class PortalController {

    public static final String PATH = "/portal";

    /**
     * What the page reads before it signs anyone in.
     *
     * @param pollIntervalMillis how often an open subscription's page asks for news
     * @param localTokens        whether {@code POST /local/token} exists here (the {@code local} profile)
     * @param subscribeScope     the scope a token needs for the subscription endpoints
     * @param signIn             the OAuth2 issuer to sign in with, or null when none is configured
     */
    public record Settings(long pollIntervalMillis, boolean localTokens, String subscribeScope, SignIn signIn) {
    }

    /** The issuer's endpoints, the portal's client id there and the scopes to ask for. */
    public record SignIn(String authorizationUri, String tokenUri, String clientId, String scope) {
    }

    private static final Resource PAGE = new ClassPathResource("static/portal/index.html");

    private final Settings settings;

    PortalController(PortalProperties portal, SecurityProperties security, ObjectProvider<LocalTokenController> localTokens) {
        PortalProperties.SignIn signIn = portal.signIn();
        this.settings = new Settings(portal.pollInterval().toMillis(), localTokens.getIfAvailable() != null,
                security.subscribeScope(), signIn.configured()
                        ? new SignIn(signIn.authorizationUri().toString(), signIn.tokenUri().toString(), signIn.clientId(),
                                signIn.scope() == null || signIn.scope().isBlank() ? security.subscribeScope() : signIn.scope())
                        : null);
    }

    @GetMapping(path = {PATH, PATH + "/"}, produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<Resource> page() {
        return ResponseEntity.ok().contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8)).cacheControl(CacheControl.noCache()).body(PAGE);
    }

    @GetMapping(path = PATH + "/config.json", produces = MediaType.APPLICATION_JSON_VALUE)
    Settings settings() {
        return settings;
    }
}
