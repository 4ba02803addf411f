package io.herald.api.publish;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An app instance named by a source path {@code /{org}/{app}/instances/{partyId}/{instanceGuid}}
 * (anywhere after a host or prefix), from which Herald derives {@code resource} and
 * {@code resourceinstance}.
 */
public record AppInstancePath(String org, String app, String partyId, String instanceGuid) {

    private static final Pattern PATH = Pattern.compile(
            "^(?:/.*)?/([A-Za-z0-9_-]+)/([A-Za-z0-9_-]+)/instances/(\\d+)/"
                    + "([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})/?$");

    public static Optional<AppInstancePath> of(String source) {
        String path;
        try {
            URI uri = new URI(source);
            path = uri.getRawPath();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        if (path == null) {
            return Optional.empty();
        }
        Matcher matcher = PATH.matcher(path);
        return matcher.matches()
                ? Optional.of(new AppInstancePath(matcher.group(1), matcher.group(2), matcher.group(3), matcher.group(4)))
                : Optional.empty();
    }

    /** The resource of an app: {@code urn:altinn:resource:app_{org}_{app}}. */
    public static String resourceOf(String org, String app) {
        return "urn:altinn:resource:app_" + org + "_" + app;
    }

    public String resource() {
        return resourceOf(org, app);
    }

    public String resourceInstance() {
        return partyId + "/" + instanceGuid;
    }
}
