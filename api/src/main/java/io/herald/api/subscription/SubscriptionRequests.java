package io.herald.api.subscription;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.herald.store.FieldError;
import io.herald.subscriptions.InvalidSubscriptionException;
import io.herald.subscriptions.NewSubscription;
import tools.jackson.databind.JsonNode;

/**
 * Reads the body of a create request. Members Herald does not know are refused rather than
 * ignored, so that a misspelt filter never silently widens a subscription; {@code consumer} and
 * {@code createdBy} are refused because they come from the token.
 */
final class SubscriptionRequests {

    private static final List<String> TEXT_FIELDS = List.of("endPoint", "resourceFilter", "sourceFilter", "subjectFilter",
            "alternativeSubjectFilter", "typeFilter");
    private static final String SUBUNITS = "includeSubunits";
    private static final String ORDERED = "orderedDelivery";
    private static final Set<String> FROM_TOKEN = Set.of("consumer", "createdBy");
    private static final String KNOWN = String.join(", ", TEXT_FIELDS) + ", " + SUBUNITS + " and " + ORDERED;

    private SubscriptionRequests() {
    }

    /** @throws InvalidSubscriptionException naming every member that is unknown, not allowed or of the wrong type */
    static NewSubscription read(JsonNode body) {
        if (!body.isObject()) {
            throw new InvalidSubscriptionException(List.of(new FieldError("", "a subscription must be a JSON object")));
        }
        var errors = new ArrayList<FieldError>();
        for (Map.Entry<String, JsonNode> member : body.properties()) {
            String name = member.getKey();
            if (FROM_TOKEN.contains(name)) {
                errors.add(new FieldError(name, "must not be sent: Herald takes it from the caller's token"));
            } else if (!TEXT_FIELDS.contains(name) && !SUBUNITS.equals(name) && !ORDERED.equals(name)) {
                errors.add(new FieldError(name, "is not a field of a subscription; the fields are " + KNOWN));
            }
        }
        String[] texts = new String[TEXT_FIELDS.size()];
        for (int i = 0; i < texts.length; i++) {
            texts[i] = text(body, TEXT_FIELDS.get(i), errors);
        }
        boolean includeSubunits = flag(body, SUBUNITS, errors);
        boolean orderedDelivery = flag(body, ORDERED, errors);
        if (!errors.isEmpty()) {
            throw new InvalidSubscriptionException(errors);
        }
        return new NewSubscription(texts[0], texts[1], texts[2], texts[3], texts[4], texts[5], includeSubunits, orderedDelivery);
    }

    private static String text(JsonNode body, String name, List<FieldError> errors) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            errors.add(new FieldError(name, "must be a string"));
            return null;
        }
        return value.stringValue();
    }

    private static boolean flag(JsonNode body, String name, List<FieldError> errors) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            errors.add(new FieldError(name, "must be true or false"));
            return false;
        }
        return value.booleanValue();
    }
}
