package io.herald.api.publish;

import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may publish beyond their own apps ({@code herald.publish-rights.*}); docs/configuration.md
 * lists them. An agency always publishes to its own apps' resources,
 * {@code urn:altinn:resource:app_{org}_…}; a grant lets a publisher publish to every resource that
 * starts with one of its prefixes.
 *
 * @param grants resource prefixes per publisher: the publisher is an agency code (the token's
 *               {@code org} claim) or, for a platform component whose token names no agency, the
 *               token's identity claim ({@code sub} unless {@code herald.security.claims.identity} names another). Herald's own {@code urn:herald:…} is never granted.
 */
@ConfigurationProperties("herald.publish-rights")
public record PublishRightsProperties(@DefaultValue Map<String, List<String>> grants) {

    public PublishRightsProperties {
        Map<String, List<String>> copy = new java.util.HashMap<>();
        (grants == null ? Map.<String, List<String>>of() : grants).forEach((publisher, prefixes) -> {
            if (publisher.isBlank() || prefixes == null || prefixes.isEmpty()) {
                throw new IllegalArgumentException("herald.publish-rights.grants needs a publisher and at least one resource prefix but was "
                        + publisher + "=" + prefixes);
            }
            for (String prefix : prefixes) {
                if (prefix == null || prefix.isBlank() || prefix.startsWith(PublishRights.HERALD_OWN)) {
                    throw new IllegalArgumentException("herald.publish-rights.grants." + publisher
                            + " must name resource prefixes outside Herald's own " + PublishRights.HERALD_OWN + " but was '" + prefix + "'");
                }
            }
            copy.put(publisher, List.copyOf(prefixes));
        });
        grants = Map.copyOf(copy);
    }
}
