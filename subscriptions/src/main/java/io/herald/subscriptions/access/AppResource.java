package io.herald.subscriptions.access;

/**
 * The agency and app of an app resource, {@code urn:altinn:resource:app_{org}_{app}}: the agency is
 * what comes before the first {@code _} after {@code app_} (agency codes hold no {@code _}).
 */
public record AppResource(String org, String app) {

    private static final String PREFIX = "urn:altinn:resource:app_";
    /** An app's own URL, {@code https://{org}.apps.{domain}/{org}/{app}}, as the platform's app library sends it as a source filter. */
    private static final java.util.regex.Pattern APP_URL = java.util.regex.Pattern.compile(
            "https://([a-z0-9-]+)\\.apps\\.[^/?#]+/([a-z0-9-]+)/([A-Za-z0-9-]+)/?", java.util.regex.Pattern.CASE_INSENSITIVE);

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

    /**
     * The app whose URL the source filter is ({@code https://ttd.apps.example/ttd/apply}), or null:
     * the platform derives an app subscription's resource from it.
     */
    public static AppResource ofAppUrl(String sourceFilter) {
        if (sourceFilter == null) {
            return null;
        }
        java.util.regex.Matcher url = APP_URL.matcher(sourceFilter);
        if (!url.matches() || !url.group(1).equalsIgnoreCase(url.group(2))) {
            return null;
        }
        return new AppResource(url.group(2), url.group(3));
    }

    /** {@code urn:altinn:resource:app_{org}_{app}}. */
    public String urn() {
        return PREFIX + org + "_" + app;
    }

    /** {@code org/app}, as a per-app scope {@code altinn:events/{org}/{app}} grants it. */
    public String id() {
        return org + "/" + app;
    }
}
