package io.herald.subscriptions.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import io.herald.store.FieldError;
import io.herald.store.TextChecks;
import io.herald.subscriptions.InvalidSubscriptionException;
import io.herald.subscriptions.NewSubscription;
import io.herald.subscriptions.PushOptions;
import io.herald.subscriptions.SubscriptionFilter;
import io.herald.subscriptions.SubscriptionsProperties;
import io.herald.subscriptions.access.AppResource;

/**
 * Checks every field of a new subscription and reports all that are wrong at once, each under
 * its name in the API. What passes can be stored and matched as it is.
 */
public final class SubscriptionValidator {

    /** An organisation by its 9-digit number: the only subject whose subunits Herald knows. */
    private static final Pattern ORGANISATION = Pattern.compile("/(org|organisation)/[0-9]{9}");

    private final boolean allowHttp;
    private final int maxEndpointLength;
    private final int maxFilterLength;

    public SubscriptionValidator(SubscriptionsProperties properties) {
        this.allowHttp = properties.allowHttp();
        this.maxEndpointLength = properties.maxEndpointLength();
        this.maxFilterLength = properties.maxFilterLength();
    }

    /** The endpoint, filter and push content type to store. */
    public record Checked(URI endpoint, SubscriptionFilter filter, PushOptions.ContentType contentType) {
    }

    /** @throws InvalidSubscriptionException naming every field that breaks a rule */
    public Checked check(NewSubscription request) {
        var errors = new ArrayList<FieldError>();
        URI endpoint = endpoint(request.endPoint(), errors);

        // read first, since an app's source filter names the resource; reported after the resource filter
        var sourceErrors = new ArrayList<FieldError>();
        String source = text("sourceFilter", request.sourceFilter(), maxFilterLength, false, sourceErrors);
        if (source != null && !TextChecks.isUriReference(source)) {
            sourceErrors.add(new FieldError("sourceFilter",
                    "must be the start of a URI such as https://ttd.apps.example/ttd/apply or /ttd/apply but was \"" + source + "\""));
        }
        AppResource app = AppResource.ofAppUrl(source);
        String resource = text("resourceFilter", request.resourceFilter(), maxFilterLength, app == null, errors);
        if (resource != null && !TextChecks.isAbsoluteUri(resource)) {
            errors.add(new FieldError("resourceFilter",
                    "must be an absolute URI such as urn:altinn:resource:app_ttd_apply but was \"" + resource + "\""));
        } else if (request.resourceFilter() == null && app != null) {
            // as the platform does for an app's subscription: the app's URL names its resource
            resource = app.urn();
        } else if (resource != null && app != null && !resource.equals(app.urn())) {
            errors.add(new FieldError("resourceFilter", "names another resource than the app of sourceFilter ("
                    + app.urn() + "); leave it out to have it derived"));
        }
        errors.addAll(sourceErrors);
        String subject = text("subjectFilter", request.subjectFilter(), maxFilterLength, false, errors);
        String alternativeSubject = text("alternativeSubjectFilter", request.alternativeSubjectFilter(), maxFilterLength, false, errors);
        String type = text("typeFilter", request.typeFilter(), maxFilterLength, false, errors);
        if (type != null && type.indexOf('*') >= 0 && type.indexOf('*') != type.length() - 1) {
            errors.add(new FieldError("typeFilter", "may contain * only once, as its last character (to match types "
                    + "that start with the rest) but was \"" + type + "\""));
        }
        if (request.includeSubunits()
                && (request.alternativeSubjectFilter() == null || !ORGANISATION.matcher(request.alternativeSubjectFilter()).matches())) {
            errors.add(new FieldError("includeSubunits",
                    "needs an alternativeSubjectFilter naming an organisation as /org/{9-digit organisation number} "
                    + "(or /organisation/{number})"));
        }

        PushOptions.ContentType contentType = request.pushContentType() == null ? PushOptions.ContentType.CLOUDEVENTS_JSON
                : PushOptions.ContentType.of(request.pushContentType());
        if (contentType == null) {
            errors.add(new FieldError("pushContentType", "must be application/cloudevents+json (the default) or "
                    + "application/json but was \"" + shorten(request.pushContentType()) + "\""));
        }
        if (!errors.isEmpty()) {
            throw new InvalidSubscriptionException(errors);
        }
        return new Checked(endpoint, new SubscriptionFilter(resource, source, subject, alternativeSubject, type,
                request.includeSubunits()), contentType);
    }

    private URI endpoint(String value, List<FieldError> errors) {
        String text = text("endPoint", value, maxEndpointLength, true, errors);
        if (text == null) {
            return null;
        }
        String schemes = allowHttp ? "an https or http URL" : "an https URL";
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            errors.add(new FieldError("endPoint", "must be " + schemes + " but is not a URI: " + e.getReason()
                    + " at index " + e.getIndex()));
            return null;
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme == null) {
            errors.add(new FieldError("endPoint", "must be " + schemes + " with scheme and host but was relative"));
            return null;
        }
        if (!scheme.equals("https") && !(allowHttp && scheme.equals("http"))) {
            errors.add(new FieldError("endPoint", scheme.equals("http")
                    ? "must be an https URL; plain http is allowed only where configured for local development"
                    : "must be " + schemes + " but its scheme was " + uri.getScheme()));
            return null;
        }
        int before = errors.size();
        if (uri.isOpaque() || uri.getHost() == null) {
            errors.add(new FieldError("endPoint", "must name a host, as in https://hooks.example/herald"));
        }
        if (uri.getRawUserInfo() != null) {
            errors.add(new FieldError("endPoint", "must not contain a user name or password; "
                    + "put a token in the path or query if the endpoint needs one"));
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            errors.add(new FieldError("endPoint", "has port " + uri.getPort() + "; a port is 1 to 65535"));
        }
        if (uri.getRawFragment() != null) {
            errors.add(new FieldError("endPoint", "must not have a fragment (#...): it is never sent to the endpoint"));
        }
        return errors.size() == before ? uri : null;
    }

    private static String shorten(String value) {
        return value.length() > 80 ? value.substring(0, 80) + "…" : value;
    }

    /** The value if it is present and sound text; otherwise null, with the reason added unless it was only absent. */
    private static String text(String field, String value, int maxLength, boolean required, List<FieldError> errors) {
        if (value == null) {
            if (required) {
                errors.add(new FieldError(field, field.equals("resourceFilter")
                        ? "is required unless sourceFilter is an app's URL (https://{org}.apps.{domain}/{org}/{app}) to derive it from"
                        : "is required"));
            }
            return null;
        }
        if (value.isBlank()) {
            errors.add(new FieldError(field, required ? "is required and must not be blank"
                    : "must not be blank; leave it out to match any value"));
            return null;
        }
        if (value.length() > maxLength) {
            errors.add(new FieldError(field, "may be at most " + maxLength + " characters but was " + value.length()));
            return null;
        }
        if (value.indexOf('\u0000') >= 0) {
            errors.add(new FieldError(field, "must not contain the NUL character (U+0000)"));
            return null;
        }
        if (TextChecks.unpairedSurrogate(value) >= 0) {
            errors.add(new FieldError(field, "is not valid Unicode: it has an unpaired surrogate"));
            return null;
        }
        return value;
    }
}
