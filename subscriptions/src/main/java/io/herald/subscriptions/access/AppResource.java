package io.herald.subscriptions.access;

/**
 * The agency and app of an app resource, {@code urn:altinn:resource:app_{org}_{app}}: the agency is
 * what comes before the first {@code _} after {@code app_} (agency codes hold no {@code _}).
 */
public record AppResource(String org, String app) {

    private static final String PREFIX = "urn:altinn:resource:app_";

    /** The agency and app, or null when the resource is not an app's. */
    public static AppResource of(String resource) {
        if (resource == null || !resource.startsWith(PREFIX)) {
            return null;
        }
        String rest = resource.substring(PREFIX.length());
        int split = rest.indexOf('_');
        if (split < 1 || split == rest.length() - 1) {
            return null;
        }
        return new AppResource(rest.substring(0, split), rest.substring(split + 1));
    }

    /** {@code org/app}, as a per-app scope {@code altinn:events/{org}/{app}} grants it. */
    public String id() {
        return org + "/" + app;
    }
}
