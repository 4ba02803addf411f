package io.herald.api.subscription;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import io.herald.store.FieldError;
import io.herald.subscriptions.InvalidSubscriptionException;
import io.herald.subscriptions.PushKeys;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads the Web Push half of a create request: {@code pushSubscription}, the browser's
 * {@code PushSubscription} as {@code toJSON()} gives it ({@code endpoint}, {@code keys.p256dh},
 * {@code keys.auth}), in place of {@code endPoint}. The rest of the body is read as for a webhook.
 */
final class PushSubscriptionRequests {

    static final String MEMBER = "pushSubscription";

    /** The body with {@code endPoint} set to the push endpoint, and the keys. */
    record Parsed(ObjectNode body, PushKeys keys) {
    }

    private PushSubscriptionRequests() {
    }

    /**
     * @return null when the body names no push subscription (a webhook)
     * @throws InvalidSubscriptionException naming every member of {@code pushSubscription} that is missing or malformed
     */
    static Parsed read(JsonNode body) {
        if (!body.isObject() || !body.has(MEMBER)) {
            return null;
        }
        ObjectNode rest = ((ObjectNode) body).deepCopy();
        JsonNode push = rest.remove(MEMBER);
        var errors = new ArrayList<FieldError>();
        if (rest.has("endPoint")) {
            errors.add(new FieldError("endPoint", "must not be sent with pushSubscription: a subscription has exactly one channel"));
        }
        if (!push.isObject()) {
            errors.add(new FieldError(MEMBER, "must be the browser's PushSubscription: {endpoint, keys: {p256dh, auth}}"));
            throw new InvalidSubscriptionException(errors);
        }
        String endpoint = text(push, "endpoint", MEMBER + ".endpoint", errors);
        JsonNode keys = push.get("keys");
        byte[] p256dh = null;
        byte[] auth = null;
        if (keys == null || !keys.isObject()) {
            errors.add(new FieldError(MEMBER + ".keys", "is required: {p256dh, auth} as the browser gave them"));
        } else {
            p256dh = base64url(keys, "p256dh", errors);
            auth = base64url(keys, "auth", errors);
        }
        PushKeys parsed = null;
        if (p256dh != null && auth != null) {
            try {
                parsed = new PushKeys(p256dh, auth);
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError(MEMBER + ".keys", e.getMessage()));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidSubscriptionException(errors);
        }
        rest.put("endPoint", endpoint);
        return new Parsed(rest, parsed);
    }

    private static String text(JsonNode node, String name, String field, List<FieldError> errors) {
        JsonNode value = node.get(name);
        if (value == null || !value.isString() || value.stringValue().isBlank()) {
            errors.add(new FieldError(field, "is required and must be a string"));
            return null;
        }
        return value.stringValue();
    }

    private static byte[] base64url(JsonNode keys, String name, List<FieldError> errors) {
        String field = MEMBER + ".keys." + name;
        String value = text(keys, name, field, errors);
        if (value == null) {
            return null;
        }
        try {
            return Base64.getUrlDecoder().decode(value.strip().replace("=", ""));
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError(field, "must be base64url"));
            return null;
        }
    }
}
