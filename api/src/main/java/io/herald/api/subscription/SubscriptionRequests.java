package io.herald.api.subscription;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.herald.store.FieldError;
import io.herald.subscriptions.InvalidSubscriptionException;
import io.herald.subscriptions.NewSubscription;
import tools.jackson.databind.JsonNode;

/**
 * Reads the body of a create request as the platform's Events API does: member names bind
 * case-insensitively (its app library sends {@code EndPoint}, {@code SourceFilter},
 * {@code TypeFilter}) and members Herald does not know are ignored, so the platform's own requests
 * (which may carry {@code consumer}) are accepted. {@code consumer} and {@code createdBy} are never
 * read: they come from the caller's token. A member given twice in different cases is refused, as
 * it is ambiguous.
 */
final class SubscriptionRequests {

    private static final List<String> TEXT_FIELDS = List.of("endPoint", "resourceFilter", "sourceFilter", "subjectFilter",
            "alternativeSubjectFilter", "typeFilter", "pushContentType");
    private static final String SUBUNITS = "includeSubunits";
    private static final String ORDERED = "orderedDelivery";
    private static final Map<String, String> KNOWN = new HashMap<>();

    static {
        TEXT_FIELDS.forEach(name -> KNOWN.put(name.toLowerCase(Locale.ROOT), name));
        KNOWN.put(SUBUNITS.toLowerCase(Locale.ROOT), SUBUNITS);
        KNOWN.put(ORDERED.toLowerCase(Locale.ROOT), ORDERED);
    }

    private SubscriptionRequests() {
    }

    /** @throws InvalidSubscriptionException naming every member that is of the wrong type or given twice */
    static NewSubscription read(JsonNode body) {
        if (!body.isObject()) {
            throw new InvalidSubscriptionException(List.of(new FieldError("", "a subscription must be a JSON object")));
        }
        var errors = new ArrayList<FieldError>();
        Map<String, JsonNode> members = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> member : body.properties()) {
            String name = KNOWN.get(member.getKey().toLowerCase(Locale.ROOT));
            if (name != null && members.put(name, member.getValue()) != null) {
                errors.add(new FieldError(name, "is given more than once (member names are read regardless of case)"));
            }
        }
        String[] texts = new String[TEXT_FIELDS.size()];
        for (int i = 0; i < texts.length; i++) {
            texts[i] = text(members, TEXT_FIELDS.get(i), errors);
        }
        boolean includeSubunits = flag(members, SUBUNITS, errors);
        boolean orderedDelivery = flag(members, ORDERED, errors);
        if (!errors.isEmpty()) {
            throw new InvalidSubscriptionException(errors);
        }
        return new NewSubscription(texts[0], texts[1], texts[2], texts[3], texts[4], texts[5], includeSubunits, orderedDelivery,
                texts[6]);
    }

    private static String text(Map<String, JsonNode> members, String name, List<FieldError> errors) {
        JsonNode value = members.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            errors.add(new FieldError(name, "must be a string"));
            return null;
        }
        return value.stringValue();
    }

    private static boolean flag(Map<String, JsonNode> members, String name, List<FieldError> errors) {
        JsonNode value = members.get(name);
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
