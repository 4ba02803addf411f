package io.herald.api.publish;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;

import io.herald.api.security.CallerIdentities;
import io.herald.store.IncomingEvent;
import io.herald.subscriptions.access.AccessDeniedException;
import io.herald.subscriptions.access.AppResource;
import io.herald.subscriptions.access.Caller;

/**
 * Who may publish what, checked before anything is stored (the same owners as for reading): an
 * agency publishes to its own apps' resources ({@code urn:altinn:resource:app_{org}_…}) and to the
 * prefixes {@code herald.publish-rights.grants} gives it; a platform component whose token names
 * no agency publishes only where a grant for its subject lets it. A person never publishes, and
 * {@code urn:herald:…} is Herald's own: nobody publishes there over the API. A request is all or
 * nothing: one event it may not publish refuses the whole request with 403.
 */
@Component
public class PublishRights {

    /** Resources Herald alone writes (notices to subscription owners, validation events). */
    static final String HERALD_OWN = "urn:herald:";

    private static final Logger log = LoggerFactory.getLogger(PublishRights.class);

    private final CallerIdentities identities;
    private final PublishRightsProperties properties;

    public PublishRights(CallerIdentities identities, PublishRightsProperties properties) {
        this.identities = identities;
        this.properties = properties;
    }

    /** Refuses with {@link AccessDeniedException} (403) unless the caller may publish every one of {@code events}. */
    public void check(List<IncomingEvent> events) {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        Jwt token = authentication != null && authentication.getPrincipal() instanceof Jwt jwt ? jwt : null;
        Caller caller = token != null ? identities.of(token) : Caller.NOBODY;
        String publisher = caller.agency() != null ? caller.agency() : token != null ? identities.identity(token) : null;
        for (int i = 0; i < events.size(); i++) {
            String refusal = refusal(caller, publisher, events.get(i).resource());
            if (refusal != null) {
                String field = events.size() == 1 ? "resource" : "[" + i + "].resource";
                log.info("Publish refused to {}: {} ({})", publisher, refusal, field);
                throw new AccessDeniedException(refusal + " (" + field + ")");
            }
        }
    }

    private String refusal(Caller caller, String publisher, String resource) {
        if (resource.startsWith(HERALD_OWN)) {
            return "resources " + HERALD_OWN + "… are Herald's own: nobody publishes to " + resource;
        }
        if (caller.personNumber() != null && caller.agency() == null) {
            return "a person does not publish events";
        }
        AppResource app = AppResource.of(resource);
        if (app != null && caller.agency() != null && app.org().equals(caller.agency())) {
            return null;
        }
        if (publisher != null && granted(publisher, resource)) {
            return null;
        }
        return (caller.agency() != null ? "the agency " + caller.agency() : "this caller")
                + " may not publish to " + resource + ": an agency publishes to its own apps' resources"
                + " (urn:altinn:resource:app_{org}_…) and to what herald.publish-rights.grants gives it";
    }

    private boolean granted(String publisher, String resource) {
        for (String prefix : properties.grants().getOrDefault(publisher, List.of())) {
            if (resource.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
